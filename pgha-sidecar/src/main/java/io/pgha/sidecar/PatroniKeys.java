package io.pgha.sidecar;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Patroni's configuration keys as pgha sees them: read, ignored (and why), refused, overridden. */
final class PatroniKeys {

  private PatroniKeys() {}

  /**
   * The TLS keys of each role under {@code postgresql.authentication} (Patroni's, and {@code
   * require_auth}); {@code sslpassword} is read only to be refused.
   */
  static final List<String> ROLE_TLS_KEYS =
      List.of(
          "sslmode",
          "sslkey",
          "sslpassword",
          "sslcert",
          "sslrootcert",
          "sslcrl",
          "sslcrldir",
          "gssencmode",
          "channel_binding",
          "require_auth");

  /** Patroni's environment variables and the key each one overrides. */
  static final Map<String, String> ENVIRONMENT = environmentNames();

  /** Keys whose values are free-form maps: their children are not checked. */
  static final Set<String> FREE_FORM =
      Set.of(
          "tags",
          "postgresql.parameters",
          "bootstrap.dcs.postgresql.parameters",
          "bootstrap.dcs.postgresql.recovery_conf",
          "bootstrap.dcs.slots",
          "postgresql.recovery_conf",
          "postgresql.basebackup",
          "restapi.http_extra_headers",
          "restapi.https_extra_headers",
          "bootstrap.users",
          "log",
          "ctl");

  /** Every key pgha reads. */
  static final Set<String> KNOWN =
      withRoleTlsKeys(
          Set.of(
              "scope",
              "namespace",
              "name",
              "restapi",
              "restapi.listen",
              "restapi.connect_address",
              "restapi.authentication",
              "restapi.authentication.username",
              "restapi.authentication.password",
              "restapi.certfile",
              "restapi.keyfile",
              "restapi.cafile",
              "restapi.verify_client",
              "restapi.allowlist",
              "restapi.allow_unauthenticated_unsafe_methods",
              "restapi.max_connections",
              "restapi.ciphers",
              "restapi.http_extra_headers",
              "restapi.https_extra_headers",
              "restapi.allowlist_include_members",
              "etcd3",
              "etcd3.hosts",
              "etcd3.host",
              "etcd3.protocol",
              "etcd3.username",
              "etcd3.password",
              "etcd3.cacert",
              "etcd3.cert",
              "etcd3.key",
              "etcd3.url",
              "etcd3.proxy",
              "etcd3.srv",
              "etcd3.srv_suffix",
              "etcd3.use_proxies",
              "pgha.dns_server",
              "bootstrap",
              "bootstrap.dcs",
              "bootstrap.dcs.ttl",
              "bootstrap.dcs.loop_wait",
              "bootstrap.dcs.retry_timeout",
              "bootstrap.dcs.maximum_lag_on_failover",
              "bootstrap.dcs.maximum_lag_on_syncnode",
              "bootstrap.dcs.synchronous_mode",
              "bootstrap.dcs.synchronous_mode_strict",
              "bootstrap.dcs.synchronous_node_count",
              "bootstrap.dcs.failsafe_mode",
              "bootstrap.dcs.check_timeline",
              "bootstrap.dcs.primary_start_timeout",
              "bootstrap.dcs.master_start_timeout",
              "bootstrap.dcs.primary_stop_timeout",
              "bootstrap.dcs.master_stop_timeout",
              "bootstrap.dcs.max_timelines_history",
              "bootstrap.dcs.drain_timeout",
              "bootstrap.dcs.fast_takeover",
              "bootstrap.dcs.leader_silence_timeout",
              "bootstrap.dcs.postgresql",
              "bootstrap.dcs.postgresql.use_pg_rewind",
              "bootstrap.dcs.postgresql.use_slots",
              "bootstrap.dcs.postgresql.parameters",
              "bootstrap.dcs.postgresql.recovery_conf",
              "bootstrap.dcs.postgresql.pg_hba",
              "bootstrap.dcs.postgresql.pg_ident",
              "bootstrap.dcs.slots",
              "bootstrap.dcs.ignore_slots",
              "bootstrap.dcs.standby_cluster",
              "bootstrap.dcs.standby_cluster.host",
              "bootstrap.dcs.standby_cluster.port",
              "bootstrap.dcs.standby_cluster.primary_slot_name",
              "bootstrap.dcs.standby_cluster.create_replica_methods",
              "bootstrap.dcs.standby_cluster.restore_command",
              "bootstrap.dcs.standby_cluster.archive_cleanup_command",
              "bootstrap.dcs.standby_cluster.recovery_min_apply_delay",
              "bootstrap.initdb",
              "bootstrap.pg_hba",
              "bootstrap.method",
              "bootstrap.users",
              "bootstrap.post_bootstrap",
              "bootstrap.post_init",
              "pgha.post_bootstrap_timeout",
              "postgresql",
              "postgresql.listen",
              "postgresql.connect_address",
              "postgresql.proxy_address",
              "postgresql.data_dir",
              "postgresql.bin_dir",
              "postgresql.authentication",
              "postgresql.authentication.superuser",
              "postgresql.authentication.superuser.username",
              "postgresql.authentication.superuser.password",
              "postgresql.authentication.replication",
              "postgresql.authentication.replication.username",
              "postgresql.authentication.replication.password",
              "postgresql.authentication.rewind",
              "postgresql.authentication.rewind.username",
              "postgresql.authentication.rewind.password",
              "postgresql.parameters",
              "postgresql.pg_hba",
              "postgresql.pg_ident",
              "postgresql.recovery_conf",
              "postgresql.custom_conf",
              "postgresql.basebackup",
              "postgresql.callbacks",
              "postgresql.callbacks.on_start",
              "postgresql.callbacks.on_stop",
              "postgresql.callbacks.on_restart",
              "postgresql.callbacks.on_reload",
              "postgresql.callbacks.on_role_change",
              "postgresql.remove_data_directory_on_rewind_failure",
              "postgresql.remove_data_directory_on_diverged_timelines",
              "tags",
              "watchdog",
              "watchdog.mode",
              "watchdog.device",
              "watchdog.safety_margin",
              "watchdog.driver",
              "postgresql.pre_promote",
              "postgresql.create_replica_methods",
              "postgresql.create_replica_method",
              "pgha.create_replica_timeout",
              "pgha",
              "pgha.run_as_user",
              "pgha.primary_role_name"));

  private static Set<String> withRoleTlsKeys(Set<String> keys) {
    Set<String> all = new HashSet<>(keys);
    for (String role : List.of("superuser", "replication", "rewind")) {
      ROLE_TLS_KEYS.forEach(k -> all.add("postgresql.authentication." + role + "." + k));
    }
    return Set.copyOf(all);
  }

  /** Keys Patroni knows that pgha ignores, and why (the warning says it). */
  static final Map<String, String> IGNORED = ignoredKeys();

  /** Sections that select another DCS than etcd3: pgha cannot run with them. */
  static final Set<String> OTHER_DCS =
      Set.of("etcd", "consul", "zookeeper", "exhibitor", "kubernetes", "raft");

  /** Parameters pgha writes itself from other keys; a value in the file is ignored. */
  static final Set<String> PARAMETERS_FROM_KEYS =
      Set.of("listen_addresses", "port", "hba_file", "data_directory", "config_file", "ident_file");

  /** pgha key names that differ from the file's, for problems about a key the file lacks. */
  static final Map<String, String> PGHA_KEYS =
      Map.of(
          "etcd.endpoints", "etcd3.hosts",
          "ttl", "bootstrap.dcs.ttl",
          "postgresql.superuser", "postgresql.authentication.superuser",
          "postgresql.replication", "postgresql.authentication.replication");

  private static Map<String, String> environmentNames() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("PATRONI_SCOPE", "scope");
    m.put("PATRONI_NAMESPACE", "namespace");
    m.put("PATRONI_NAME", "name");
    m.put("PATRONI_RESTAPI_LISTEN", "restapi.listen");
    m.put("PATRONI_RESTAPI_CONNECT_ADDRESS", "restapi.connect_address");
    m.put("PATRONI_RESTAPI_USERNAME", "restapi.authentication.username");
    m.put("PATRONI_RESTAPI_PASSWORD", "restapi.authentication.password");
    m.put("PATRONI_RESTAPI_CERTFILE", "restapi.certfile");
    m.put("PATRONI_RESTAPI_KEYFILE", "restapi.keyfile");
    m.put("PATRONI_RESTAPI_CAFILE", "restapi.cafile");
    m.put("PATRONI_RESTAPI_VERIFY_CLIENT", "restapi.verify_client");
    m.put("PATRONI_ETCD3_HOSTS", "etcd3.hosts");
    m.put("PATRONI_ETCD3_HOST", "etcd3.host");
    m.put("PATRONI_ETCD3_PROTOCOL", "etcd3.protocol");
    m.put("PATRONI_ETCD3_USERNAME", "etcd3.username");
    m.put("PATRONI_ETCD3_PASSWORD", "etcd3.password");
    m.put("PATRONI_ETCD3_CACERT", "etcd3.cacert");
    m.put("PATRONI_ETCD3_CERT", "etcd3.cert");
    m.put("PATRONI_ETCD3_KEY", "etcd3.key");
    m.put("PATRONI_ETCD3_URL", "etcd3.url");
    m.put("PATRONI_ETCD3_PROXY", "etcd3.proxy");
    m.put("PATRONI_ETCD3_SRV", "etcd3.srv");
    m.put("PATRONI_ETCD3_SRV_SUFFIX", "etcd3.srv_suffix");
    m.put("PATRONI_ETCD3_USE_PROXIES", "etcd3.use_proxies");
    m.put("PATRONI_POSTGRESQL_LISTEN", "postgresql.listen");
    m.put("PATRONI_POSTGRESQL_CONNECT_ADDRESS", "postgresql.connect_address");
    m.put("PATRONI_POSTGRESQL_PROXY_ADDRESS", "postgresql.proxy_address");
    m.put("PATRONI_POSTGRESQL_DATA_DIR", "postgresql.data_dir");
    m.put("PATRONI_POSTGRESQL_BIN_DIR", "postgresql.bin_dir");
    m.put("PATRONI_SUPERUSER_USERNAME", "postgresql.authentication.superuser.username");
    m.put("PATRONI_SUPERUSER_PASSWORD", "postgresql.authentication.superuser.password");
    m.put("PATRONI_REPLICATION_USERNAME", "postgresql.authentication.replication.username");
    m.put("PATRONI_REPLICATION_PASSWORD", "postgresql.authentication.replication.password");
    m.put("PATRONI_REWIND_USERNAME", "postgresql.authentication.rewind.username");
    m.put("PATRONI_REWIND_PASSWORD", "postgresql.authentication.rewind.password");
    for (String role : List.of("superuser", "replication", "rewind")) {
      for (String key : ROLE_TLS_KEYS) {
        m.put(
            "PATRONI_" + role.toUpperCase(Locale.ROOT) + "_" + key.toUpperCase(Locale.ROOT),
            "postgresql.authentication." + role + "." + key);
      }
    }
    return Map.copyOf(m);
  }

  private static Map<String, String> ignoredKeys() {
    Map<String, String> m = new LinkedHashMap<>();
    String logback = "pgha logs through SLF4J; configure logback (-Dlogback.configurationFile)";
    m.put("log", logback);
    m.put("ctl", "it configures patronictl, not the agent");
    m.put("restapi.keyfile_password", "use an unencrypted PEM key");
    m.put("restapi.request_queue_size", "pgha bounds its queue itself");
    m.put("etcd3.urls", "use etcd3.hosts");
    m.put("etcd3.cacert_verify", "not supported");
    m.put("postgresql.config_dir", "pgha keeps its configuration in the data directory");
    m.put("postgresql.pgpass", "pgha passes passwords to its tools directly");
    m.put("postgresql.pg_ctl_timeout", "pgha bounds pg_ctl with its own timeouts");
    m.put("postgresql.use_pg_rewind", "pgha always rewinds when it can");
    m.put("postgresql.use_unix_socket", "pgha connects over TCP");
    m.put("postgresql.use_unix_socket_repl", "pgha connects over TCP");
    m.put("postgresql.before_stop", "not supported");
    m.put("citus", "Citus clusters are not supported");
    return Map.copyOf(m);
  }
}
