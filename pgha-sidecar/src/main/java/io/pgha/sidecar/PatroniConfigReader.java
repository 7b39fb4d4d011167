package io.pgha.sidecar;

import io.pgha.core.agent.Callbacks;
import io.pgha.core.config.AfterBootstrap;
import io.pgha.core.config.ClientCertificates;
import io.pgha.core.config.ConnectionSecurity;
import io.pgha.core.config.FencingSettings;
import io.pgha.core.config.InvalidConfigurationException;
import io.pgha.core.config.PghaConfig;
import io.pgha.core.config.RecoveryConf;
import io.pgha.core.config.ReplicaMethod;
import io.pgha.core.config.StandbyCluster;
import io.pgha.core.config.WatchdogDriver;
import io.pgha.core.config.WatchdogMode;
import io.pgha.core.postgres.CustomBootstrap;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.RoleNames;
import io.pgha.patroni.SynchronousMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a Patroni YAML configuration into a {@link SidecarConfig}. Keys pgha uses are mapped; keys
 * Patroni knows but pgha ignores, and keys nobody knows, are warned about with their line; values
 * pgha cannot accept are errors naming the line, the key, the value and what is allowed. Patroni's
 * {@code PATRONI_*} environment variables override the file.
 */
final class PatroniConfigReader {

  private final YamlTree tree;
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final Set<String> badKeys = new java.util.HashSet<>();

  /** Keys set by a variable pgha's checks cannot name ({@code PATRONI_<user>_OPTIONS}). */
  private final Map<String, String> environmentKeys = new LinkedHashMap<>();

  private String bootstrapMethod;
  private List<String> replicaMethodNames;

  private PatroniConfigReader(YamlTree tree, Map<String, String> env) {
    this.tree = tree;
    this.env = env;
  }

  /**
   * Reads {@code file} with the {@code PATRONI_*} variables of {@code env} overriding it.
   *
   * @throws ConfigFileException listing every problem, when there is any
   */
  static SidecarConfig read(Path file, Map<String, String> env) {
    return new PatroniConfigReader(YamlTree.read(file), env).read();
  }

  /** Reads YAML {@code text}, named {@code file} in messages. */
  static SidecarConfig parse(String file, String text, Map<String, String> env) {
    return new PatroniConfigReader(YamlTree.parse(file, text), env).read();
  }

  private SidecarConfig read() {
    bootstrapMethod =
        text("bootstrap.method").filter(m -> !m.equals("initdb") && !m.contains(".")).orElse(null);
    checkKeys();
    PghaConfig.Builder b = PghaConfig.builder();
    text("scope").ifPresent(b::scope);
    text("namespace").ifPresent(b::namespace);
    text("name").ifPresent(b::name);
    readEtcd(b);
    readRestApiAddresses(b);
    readPostgresAddresses(b);
    readTags(b);
    readRoleNames(b);
    readWatchdog(b);
    readPrePromote(b);
    readBootstrapDcs(b);
    readPostgres(b);
    readReplicaMethods(b);
    readAfterBootstrap(b);
    readRestApiSecurity(b);
    boolean tls = text("restapi.certfile").isPresent();
    Map<String, List<String>> callbacks = new LinkedHashMap<>();
    for (String action : Callbacks.ACTIONS) {
      List<String> command = command("postgresql.callbacks." + action);
      if (!command.isEmpty()) {
        callbacks.put(action, command);
      }
    }

    PghaConfig pgha = null;
    try {
      pgha = b.build();
    } catch (InvalidConfigurationException e) {
      // A key already reported as unreadable was left at its default: do not blame it twice.
      e.problems().stream()
          .filter(p -> locatedKey(p).map(k -> !badKeys.contains(k)).orElse(true))
          .forEach(p -> problems.add(locate(p)));
    }
    if (!problems.isEmpty()) {
      throw new ConfigFileException(tree.file(), problems);
    }
    if (pgha.restApi().openToNetwork()) {
      warnings.add(
          where("restapi.allow_unauthenticated_unsafe_methods")
              + ": the REST API on "
              + pgha.restApi().listen()
              + " has no authentication: anyone who can connect may switch over, restart or"
              + " reconfigure the cluster");
    }
    pgha.warnings().forEach(w -> warnings.add(locate(w)));
    SidecarConfig config =
        new SidecarConfig(tree.file(), pgha, tls, callbacks, warnings, customBootstrap(pgha));
    try {
      config.newAgent();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigFileException(tree.file(), List.of(locate(e.getMessage())));
    }
    return config;
  }

  // ---- keys the file has ----

  private void checkKeys() {
    for (String path : tree.paths()) {
      if (underFreeForm(path)) {
        continue;
      }
      String root = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
      int line = tree.lineOf(path);
      if (PatroniKeys.OTHER_DCS.contains(root) && path.equals(root)) {
        problems.add(
            where(path)
                + ": pgha keeps the cluster state in etcd through its v3 API only; replace '"
                + root
                + "' with an 'etcd3' section (hosts, protocol, username, password, cacert, cert,"
                + " key)");
      } else if (PatroniKeys.OTHER_DCS.contains(root)) {
        continue;
      } else if (PatroniKeys.IGNORED.containsKey(path)) {
        warnings.add(
            "line " + line + ": " + path + " is ignored: " + PatroniKeys.IGNORED.get(path));
      } else if (ignoredParent(path)) {
        continue;
      } else if (!PatroniKeys.KNOWN.contains(path)) {
        warnings.add("line " + line + ": unknown key " + path + " is ignored");
      }
    }
  }

  private boolean underFreeForm(String path) {
    if (bootstrapMethod != null
        && (path.equals("bootstrap." + bootstrapMethod)
            || path.startsWith("bootstrap." + bootstrapMethod + "."))) {
      return true;
    }
    if (replicaMethodNames().stream()
        .filter(m -> !m.equals(ReplicaMethod.BASEBACKUP))
        .anyMatch(
            m -> path.equals("postgresql." + m) || path.startsWith("postgresql." + m + "."))) {
      return true;
    }
    return PatroniKeys.FREE_FORM.stream().anyMatch(f -> path.startsWith(f + "."));
  }

  /**
   * Patroni's custom bootstrap: {@code bootstrap.method: <name>} with {@code bootstrap.<name>}'s
   * {@code command} (split as Patroni splits it, then {@code --scope} and {@code --datadir} unless
   * {@code no_params}), {@code keep_existing_recovery_conf} and {@code recovery_conf}. Without a
   * command Patroni runs initdb, and so does pgha (with a warning). Null for initdb.
   */
  private CustomBootstrap customBootstrap(PghaConfig pgha) {
    if (bootstrapMethod == null) {
      return null;
    }
    String section = "bootstrap." + bootstrapMethod + ".";
    Optional<String> command = text(section + "command");
    if (command.isEmpty()) {
      warnings.add(
          where("bootstrap.method")
              + ": bootstrap.method ("
              + bootstrapMethod
              + ") has no "
              + section
              + "command: bootstrapping with initdb, as Patroni does");
      return null;
    }
    List<String> words;
    try {
      words = new ArrayList<>(ShellWords.split(command.get()));
    } catch (IllegalArgumentException e) {
      throw new ConfigFileException(
          tree.file(), List.of(where(section + "command") + ": " + e.getMessage()));
    }
    if (!bool(section + "no_params").orElse(false)) {
      words.add("--scope=" + pgha.scope());
      words.add("--datadir=" + pgha.postgres().dataDir());
    }
    Map<String, String> recovery = parameters(section + "recovery_conf");
    // pgha always recovers to the latest timeline; another target timeline is not supported.
    String timeline = recovery.remove("recovery_target_timeline");
    if (timeline != null && !timeline.equals("latest")) {
      warnings.add(
          where(section + "recovery_conf.recovery_target_timeline")
              + ": recovery_target_timeline ("
              + timeline
              + ") is ignored: pgha recovers to the latest timeline");
    }
    try {
      return new CustomBootstrap(
          bootstrapMethod,
          words,
          bool(section + "keep_existing_recovery_conf").orElse(false),
          recovery);
    } catch (IllegalArgumentException e) {
      throw new ConfigFileException(
          tree.file(), List.of(where(section + "recovery_conf") + ": " + e.getMessage()));
    }
  }

  private boolean ignoredParent(String path) {
    return PatroniKeys.IGNORED.keySet().stream().anyMatch(k -> path.startsWith(k + "."));
  }

  // ---- sections ----

  /**
   * The {@code etcd3} section as Patroni 3.0.2 reads it: {@code proxy} (which implies {@code
   * use_proxies}), else {@code url}, else {@code hosts}, else {@code host}; {@code srv} is looked
   * up first (unless {@code proxy} is set) and the others serve when its records name nothing.
   */
  private void readEtcd(PghaConfig.Builder b) {
    String protocol = text("etcd3.protocol").orElse("http").toLowerCase(Locale.ROOT);
    if (!protocol.equals("http") && !protocol.equals("https")) {
      bad("etcd3.protocol", protocol, "http or https");
      return;
    }
    Optional<String> proxy = text("etcd3.proxy");
    String urlKey = proxy.isPresent() ? "etcd3.proxy" : "etcd3.url";
    Optional<String> url = proxy.isPresent() ? proxy : text("etcd3.url");
    Optional<String> srv = proxy.isPresent() ? Optional.empty() : text("etcd3.srv");
    Optional<String> srvSuffix = text("etcd3.srv_suffix");
    List<String> hosts = new ArrayList<>(hostList("etcd3.hosts"));
    text("etcd3.host").ifPresent(hosts::add);
    if (hosts.isEmpty() && url.isEmpty() && srv.isEmpty() && !tree.has("etcd3")) {
      problems.add(
          "etcd3 is required: pgha keeps the cluster state in etcd (e.g. etcd3: {hosts:"
              + " 10.0.0.1:2379,10.0.0.2:2379})");
      return;
    }
    Optional<String> user = text("etcd3.username");
    Optional<String> password = secret("etcd3.password");
    List<String> endpoints = new ArrayList<>();
    if (url.isPresent()) {
      Optional<EtcdUrl> parsed = EtcdUrl.parse(url.get());
      if (parsed.isEmpty()) {
        bad(urlKey, EtcdUrl.masked(url.get()), "a URL http://host:port or https://host:port");
      } else {
        endpoints.add(parsed.get().endpoint());
        // Patroni takes the credentials from the URL.
        if (parsed.get().username().isPresent()) {
          user = parsed.get().username();
          password = parsed.get().password();
        }
      }
      for (String other : List.of("etcd3.url", "etcd3.hosts", "etcd3.host")) {
        if (!other.equals(urlKey) && tree.has(other)) {
          warnings.add(
              where(other) + ": " + other + " is ignored: " + urlKey + " is set (as in Patroni)");
        }
      }
    } else {
      for (String host : hosts) {
        if (!host.matches("[A-Za-z0-9.\\-_\\[\\]:]+:[0-9]{1,5}")) {
          bad("etcd3.hosts", host, "host:port entries, such as 10.0.0.1:2379");
        } else {
          endpoints.add(protocol + "://" + host);
        }
      }
    }
    b.etcdEndpoints(endpoints);
    bool("etcd3.use_proxies")
        .filter(useProxies -> !useProxies && proxy.isEmpty())
        .ifPresent(
            off ->
                warnings.add(
                    where("etcd3.use_proxies")
                        + ": etcd3.use_proxies (false) is not followed: pgha does not discover other"
                        + " etcd members, it uses the endpoints configured (or found by etcd3.srv),"
                        + " as Patroni does with use_proxies: true"));
    if (user.isPresent() || password.isPresent()) {
      b.etcdCredentials(user.orElse(null), password.orElse(null));
    }
    Optional<Path> ca = path("etcd3.cacert");
    Optional<Path> cert = path("etcd3.cert");
    Optional<Path> key = path("etcd3.key");
    Optional<String> dnsServer = text("pgha.dns_server");
    b.etcd(
        etcd -> {
          ca.ifPresent(etcd::caFile);
          if (cert.isPresent() || key.isPresent()) {
            etcd.clientCertificate(cert.orElse(null), key.orElse(null));
          }
          srv.ifPresent(domain -> etcd.srv(domain, srvSuffix.orElse(null)));
          dnsServer.ifPresent(etcd::dnsServer);
        });
  }

  private void readRestApiAddresses(PghaConfig.Builder b) {
    text("restapi.listen").ifPresent(b::restApiListen);
    text("restapi.connect_address").ifPresent(a -> b.restApi(api -> api.connectAddress(a)));
  }

  private void readRestApiSecurity(PghaConfig.Builder b) {
    Optional<String> user = text("restapi.authentication.username");
    Optional<String> password = secret("restapi.authentication.password");
    if (user.isPresent() != password.isPresent()) {
      problems.add(
          where(user.isPresent() ? "restapi.authentication.username" : "restapi.authentication")
              + ": restapi.authentication needs both username and password");
    }
    Optional<Path> cert = path("restapi.certfile");
    Optional<Path> key = path("restapi.keyfile");
    if (key.isPresent() && cert.isEmpty()) {
      problems.add(where("restapi.keyfile") + ": restapi.keyfile needs restapi.certfile");
    }
    Optional<Path> ca = path("restapi.cafile");
    Optional<ClientCertificates> verify =
        text("restapi.verify_client")
            .flatMap(
                v ->
                    switch (v.toLowerCase(Locale.ROOT)) {
                      case "none" -> Optional.of(ClientCertificates.NONE);
                      case "optional" -> Optional.of(ClientCertificates.OPTIONAL);
                      case "required" -> Optional.of(ClientCertificates.REQUIRED);
                      default -> {
                        bad("restapi.verify_client", v, "none, optional or required");
                        yield Optional.empty();
                      }
                    });
    List<String> allowlist = stringList("restapi.allowlist");
    Optional<Boolean> openAnyway = bool("restapi.allow_unauthenticated_unsafe_methods");
    Optional<Long> maxConnections = number("restapi.max_connections", 16, 10_000);
    Optional<String> ciphers = text("restapi.ciphers");
    Map<String, String> httpHeaders = parameters("restapi.http_extra_headers");
    Map<String, String> httpsHeaders = parameters("restapi.https_extra_headers");
    Optional<Boolean> includeMembers = bool("restapi.allowlist_include_members");
    b.restApi(
        api -> {
          ciphers.ifPresent(api::ciphers);
          api.httpExtraHeaders(httpHeaders);
          api.httpsExtraHeaders(httpsHeaders);
          includeMembers.ifPresent(api::allowlistIncludeMembers);
          openAnyway.ifPresent(api::allowUnauthenticatedUnsafeMethods);
          maxConnections.ifPresent(n -> api.maxConnections(n.intValue()));
          if (user.isPresent() && password.isPresent()) {
            api.authentication(user.get(), password.get());
          }
          if (cert.isPresent()) {
            // Patroni accepts the key inside the certificate file when keyfile is missing.
            api.tlsPem(cert.get(), key.orElse(cert.get()));
          }
          verify
              .filter(v -> v != ClientCertificates.NONE)
              .ifPresent(v -> api.verifyClient(v, ca.orElse(null)));
          // Patroni also verifies its peers' API certificates against restapi.cafile.
          ca.ifPresent(api::caFile);
          if (!allowlist.isEmpty()) {
            api.allowlist(allowlist);
          }
        });
  }

  private void readPostgresAddresses(PghaConfig.Builder b) {
    text("postgresql.listen").ifPresent(b::postgresListen);
    text("postgresql.connect_address").ifPresent(a -> b.postgres(pg -> pg.connectAddress(a)));
    text("postgresql.proxy_address").ifPresent(a -> b.postgres(pg -> pg.proxyAddress(a)));
    path("postgresql.data_dir").ifPresent(b::postgresDataDir);
    path("postgresql.bin_dir").ifPresent(d -> b.postgres(pg -> pg.binDir(d)));
    String auth = "postgresql.authentication.";
    for (String role : List.of("superuser", "replication", "rewind")) {
      readRoleSecurity(b, role, auth + role + ".");
      Optional<String> user = text(auth + role + ".username");
      Optional<String> password = secret(auth + role + ".password");
      if (user.isEmpty() && password.isEmpty()) {
        continue;
      }
      String name = user.orElse(role.equals("superuser") ? "postgres" : role);
      if (role.equals("replication") && user.isEmpty()) {
        name = "replicator";
      }
      String pw = password.orElse(null);
      String n = name;
      switch (role) {
        case "superuser" -> b.superuser(n, pw);
        case "replication" -> b.replicationUser(n, pw);
        default -> b.postgres(pg -> pg.rewind(n, pw));
      }
    }
    bool("postgresql.remove_data_directory_on_rewind_failure")
        .ifPresent(b::removeDataDirectoryOnRewindFailure);
    bool("postgresql.remove_data_directory_on_diverged_timelines")
        .ifPresent(v -> b.postgres(pg -> pg.removeDataDirectoryOnDivergedTimelines(v)));
  }

  /** The TLS keys of one role ({@code postgresql.authentication.<role>.ssl*}). */
  private void readRoleSecurity(PghaConfig.Builder b, String role, String prefix) {
    if (text(prefix + "sslpassword").isPresent()) {
      problems.add(
          where(prefix + "sslpassword")
              + ": "
              + prefix
              + "sslpassword is not supported: libpq would take it on a command line and in"
              + " primary_conninfo, which PostgreSQL logs; use an unencrypted key readable only by"
              + " the PostgreSQL user");
    }
    Consumer<ConnectionSecurity.Builder> keys =
        sec -> {
          text(prefix + "sslmode").ifPresent(sec::sslMode);
          path(prefix + "sslrootcert").ifPresent(sec::sslRootCert);
          Optional<Path> cert = path(prefix + "sslcert");
          Optional<Path> key = path(prefix + "sslkey");
          if (cert.isPresent() || key.isPresent()) {
            sec.clientCertificate(cert.orElse(null), key.orElse(null));
          }
          path(prefix + "sslcrl").ifPresent(sec::sslCrl);
          path(prefix + "sslcrldir").ifPresent(sec::sslCrlDir);
          text(prefix + "gssencmode").ifPresent(sec::gssEncMode);
          text(prefix + "channel_binding").ifPresent(sec::channelBinding);
          text(prefix + "require_auth").ifPresent(sec::requireAuth);
        };
    switch (role) {
      case "superuser" -> b.postgres(pg -> pg.superuserSecurity(keys));
      case "replication" -> b.postgres(pg -> pg.replicationSecurity(keys));
      default -> b.postgres(pg -> pg.rewindSecurity(keys));
    }
  }

  private void readTags(PghaConfig.Builder b) {
    Optional<Node> tags = tree.node("tags");
    if (tags.isEmpty()) {
      return;
    }
    if (!(tags.get() instanceof MappingNode m)) {
      bad("tags", YamlTree.kind(tags.get()), "a mapping of tag names to values");
      return;
    }
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) {
        b.tag(k.getValue(), v.getValue());
      } else {
        problems.add(
            "line "
                + YamlTree.line(t.getKeyNode())
                + ": tags must map names to single values, not to a "
                + YamlTree.kind(t.getValueNode()));
      }
    }
  }

  /**
   * The primary's name in the member key, {@code GET /patroni} and on_role_change: Patroni 3's
   * {@code master} by default, as the Patroni this file format and the Debian tools come from
   * writes it (Patroni 4's tools read it too); {@code primary} writes Patroni 4's name.
   */
  private void readRoleNames(PghaConfig.Builder b) {
    String name = text("pgha.primary_role_name").orElse("master");
    RoleNames.ofPrimaryName(name)
        .ifPresentOrElse(
            b::roleNames, () -> bad("pgha.primary_role_name", name, "master or primary"));
  }

  /**
   * Patroni's {@code watchdog} section. Without one, pgha runs without a watchdog where Patroni
   * tries {@code automatic}: a test run or a host where the agent runs as root must not arm the
   * host's watchdog by accident. A mode Patroni does not know disables the watchdog with a warning,
   * as Patroni does.
   */
  private void readWatchdog(PghaConfig.Builder b) {
    WatchdogMode mode =
        text("watchdog.mode")
            .map(
                m ->
                    switch (m.trim().toLowerCase(Locale.ROOT)) {
                      case "off", "false", "disable", "disabled" -> WatchdogMode.OFF;
                      case "automatic", "auto", "true" -> WatchdogMode.AUTOMATIC;
                      case "required", "require" -> WatchdogMode.REQUIRED;
                      default -> {
                        warnings.add(
                            where("watchdog.mode")
                                + ": watchdog.mode ("
                                + m
                                + ") is not off, automatic or required: running without a"
                                + " watchdog, as Patroni does");
                        yield WatchdogMode.OFF;
                      }
                    })
            .orElse(WatchdogMode.OFF);
    Path device =
        text("watchdog.device").map(Path::of).orElse(FencingSettings.DEFAULT_WATCHDOG_DEVICE);
    long margin =
        number("watchdog.safety_margin", -1, 3600)
            .orElse(FencingSettings.DEFAULT_SAFETY_MARGIN.getSeconds());
    if (margin == -1) {
      // Patroni's -1: the watchdog fires after ttl / 2.
      long ttl = number("bootstrap.dcs.ttl", 2, Integer.MAX_VALUE).orElse(30L);
      margin = ttl - ttl / 2;
      warnings.add(
          where("watchdog.safety_margin")
              + ": watchdog.safety_margin (-1) is taken as "
              + margin
              + "s (half of bootstrap.dcs.ttl); it does not follow later ttl changes");
    }
    text("watchdog.driver")
        .ifPresent(
            d ->
                WatchdogDriver.parse(d)
                    .ifPresentOrElse(
                        b::watchdogDriver, () -> bad("watchdog.driver", d, "default or testing")));
    b.watchdog(mode, device, Duration.ofSeconds(margin));
  }

  /**
   * {@code postgresql.pre_promote}: run before a promotion; a non-zero exit cancels it. pgha bounds
   * it with its default time limit, where Patroni waits for it without one.
   */
  private void readPrePromote(PghaConfig.Builder b) {
    List<String> command = command("postgresql.pre_promote");
    if (!command.isEmpty()) {
      b.prePromote(command, FencingSettings.DEFAULT_PRE_PROMOTE_TIMEOUT);
    }
  }

  /**
   * Patroni's {@code bootstrap.post_bootstrap} (or {@code post_init}), split as Patroni splits it
   * and bounded by pgha's {@code pgha.post_bootstrap_timeout} (seconds); and {@code
   * bootstrap.users}, each role with its {@code password} and {@code options}.
   */
  private void readAfterBootstrap(PghaConfig.Builder b) {
    String key =
        text("bootstrap.post_bootstrap").isPresent()
            ? "bootstrap.post_bootstrap"
            : "bootstrap.post_init";
    Duration timeout =
        number("pgha.post_bootstrap_timeout", 1, 7 * 24 * 3600)
            .map(Duration::ofSeconds)
            .orElse(AfterBootstrap.DEFAULT_SCRIPT_TIMEOUT);
    Optional<String> script = text(key);
    if (script.isPresent()) {
      try {
        b.postBootstrap(ShellWords.split(script.get()), timeout);
      } catch (IllegalArgumentException e) {
        problems.add(where(key) + ": " + e.getMessage());
      }
    }
    // PATRONI_<user>_PASSWORD and _OPTIONS override the file's user of that name, key by key, and
    // add the users the file lacks, as Patroni patches its file with the environment.
    Map<String, EnvironmentUsers.User> fromEnv = EnvironmentUsers.read(env);
    EnvironmentUsers.orphanOptions(env, fromEnv)
        .forEach(
            v ->
                warnings.add(
                    "environment variable "
                        + v
                        + " is ignored: without a non-empty "
                        + v.substring(0, v.length() - "_OPTIONS".length())
                        + "_PASSWORD it names no bootstrap user (as in Patroni)"));
    List<String> names = new ArrayList<>(tree.childKeys("bootstrap.users"));
    fromEnv.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
    for (String user : names) {
      String path = "bootstrap.users." + user;
      EnvironmentUsers.User envUser = fromEnv.get(user);
      Optional<String> password =
          envUser != null ? Optional.of(envUser.password()) : secret(path + ".password");
      List<String> options;
      if (envUser != null && envUser.options().isPresent()) {
        environmentKeys.put(path + ".options", envUser.optionsVariable());
        options = splitList(envUser.options().get());
      } else {
        options = stringList(path + ".options");
      }
      b.bootstrapUser(user, password.orElse(null), options);
    }
  }

  private void readBootstrapDcs(PghaConfig.Builder b) {
    String dcs = "bootstrap.dcs.";
    seconds(dcs + "ttl", 2).ifPresent(s -> b.ttl(Duration.ofSeconds(s)));
    seconds(dcs + "loop_wait", 1).ifPresent(s -> b.loopWait(Duration.ofSeconds(s)));
    seconds(dcs + "retry_timeout", 1).ifPresent(s -> b.retryTimeout(Duration.ofSeconds(s)));
    seconds(dcs + "primary_start_timeout", 0)
        .or(() -> seconds(dcs + "master_start_timeout", 0))
        .ifPresent(s -> b.primaryStartTimeout(Duration.ofSeconds(s)));
    // pgha's own (issue 18): the fast takeover in synchronous mode. PghaConfig checks them against
    // synchronous_mode and the timings, as the config key does.
    bool(dcs + "fast_takeover").ifPresent(b::fastTakeover);
    seconds(dcs + "leader_silence_timeout", 1)
        .ifPresent(s -> b.leaderSilenceTimeout(Duration.ofSeconds(s)));
    Optional<Long> maxLag = number(dcs + "maximum_lag_on_failover", 0, Long.MAX_VALUE);
    Optional<Long> maxSyncLag = number(dcs + "maximum_lag_on_syncnode", -1, Long.MAX_VALUE);
    Optional<SynchronousMode> sync =
        text(dcs + "synchronous_mode")
            .flatMap(
                v ->
                    switch (v.toLowerCase(Locale.ROOT)) {
                      case "true", "on", "yes" -> Optional.of(SynchronousMode.ON);
                      case "false", "off", "no" -> Optional.of(SynchronousMode.OFF);
                      case "quorum" -> Optional.of(SynchronousMode.QUORUM);
                      default -> {
                        bad(dcs + "synchronous_mode", v, "true, false or quorum");
                        yield Optional.empty();
                      }
                    });
    Optional<Boolean> strict = bool(dcs + "synchronous_mode_strict");
    Optional<Long> syncCount = number(dcs + "synchronous_node_count", 1, 100);
    Optional<Boolean> failsafe = bool(dcs + "failsafe_mode");
    Optional<Boolean> checkTimeline = bool(dcs + "check_timeline");
    Optional<Long> stopTimeout =
        number(dcs + "primary_stop_timeout", 0, DynamicConfig.MAXIMUM_START_STOP)
            .or(() -> number(dcs + "master_stop_timeout", 0, DynamicConfig.MAXIMUM_START_STOP));
    Optional<Long> maxTimelines = number(dcs + "max_timelines_history", 0, Integer.MAX_VALUE);
    // pgha's own: the drain before a planned hand-over (Patroni ignores it).
    // The bounds the agents read the config key with: a value beyond them would become the default.
    Optional<Long> drainTimeout =
        number(dcs + "drain_timeout", 0, DynamicConfig.MAXIMUM_DRAIN_TIMEOUT);
    Optional<Boolean> rewind = bool(dcs + "postgresql.use_pg_rewind");
    Optional<Boolean> slots = bool(dcs + "postgresql.use_slots");
    Map<String, String> parameters = parameters(dcs + "postgresql.parameters");
    // Permanent slots and ignore_slots go to the config key as written (the agents read them
    // there).
    Map<String, Object> permanentSlots = new LinkedHashMap<>();
    for (String key : List.of("slots", "ignore_slots")) {
      tree.node(dcs + key).ifPresent(n -> permanentSlots.put(key, plain(n)));
    }
    Optional<Map<String, Object>> standby = standbyCluster();
    Map<String, Object> postgresqlKeys = dynamicPostgresqlKeys();
    b.bootstrapDcs(
        d -> {
          if (!postgresqlKeys.isEmpty()) {
            Map<String, Object> pgExtra = new LinkedHashMap<>(d.build().postgresqlExtra());
            pgExtra.putAll(postgresqlKeys);
            d.postgresqlExtra(pgExtra);
          }
          if (!permanentSlots.isEmpty()) {
            Map<String, Object> extra = new LinkedHashMap<>(d.build().extra());
            extra.putAll(permanentSlots);
            d.extra(extra);
          }
          maxLag.ifPresent(d::maximumLagOnFailover);
          maxSyncLag.ifPresent(d::maximumLagOnSyncnode);
          sync.ifPresent(d::synchronousMode);
          strict.ifPresent(d::synchronousModeStrict);
          syncCount.ifPresent(n -> d.synchronousNodeCount(Math.toIntExact(n)));
          failsafe.ifPresent(d::failsafeMode);
          checkTimeline.ifPresent(d::checkTimeline);
          stopTimeout.ifPresent(n -> d.primaryStopTimeout(Math.toIntExact(n)));
          maxTimelines.ifPresent(n -> d.maxTimelinesHistory(Math.toIntExact(n)));
          drainTimeout.ifPresent(n -> d.drainTimeout(Math.toIntExact(n)));
          rewind.ifPresent(d::usePgRewind);
          slots.ifPresent(d::useSlots);
          if (!parameters.isEmpty()) {
            d.parameters(new TreeMap<>(parameters));
          }
          standby.ifPresent(
              section -> {
                Map<String, Object> extra = new LinkedHashMap<>(d.build().extra());
                extra.put(StandbyCluster.KEY, section);
                d.extra(extra);
              });
          return d;
        });
  }

  /**
   * {@code bootstrap.dcs.postgresql.recovery_conf}, {@code pg_hba} and {@code pg_ident}, for the
   * {@code config} key as written (every member without its own takes them from there, as in
   * Patroni); {@code recovery_conf} is checked as the agents will read it.
   */
  private Map<String, Object> dynamicPostgresqlKeys() {
    String dcs = "bootstrap.dcs.postgresql.";
    Map<String, Object> keys = new LinkedHashMap<>();
    if (tree.has(dcs + "recovery_conf")) {
      Map<String, String> recovery = parameters(dcs + "recovery_conf");
      RecoveryConf.Read read = RecoveryConf.read(dcs + "recovery_conf", recovery);
      read.problems().forEach(p -> problems.add(where(dcs + "recovery_conf") + ": " + p));
      read.warnings().forEach(w -> warnings.add(where(dcs + "recovery_conf") + ": " + w));
      keys.put("recovery_conf", new LinkedHashMap<String, Object>(recovery));
    }
    for (String lines : List.of("pg_hba", "pg_ident")) {
      if (tree.has(dcs + lines)) {
        List<String> values = stringList(dcs + lines);
        values.stream()
            .filter(l -> l.isBlank() || l.contains("\n"))
            .forEach(l -> bad(dcs + lines, l, "one non-blank line each"));
        keys.put(lines, values);
      }
    }
    return keys;
  }

  /**
   * Patroni's {@code bootstrap.dcs.standby_cluster}: this cluster follows another one. Checked as
   * the agent reads it from the {@code config} key.
   */
  private Optional<Map<String, Object>> standbyCluster() {
    String path = "bootstrap.dcs.standby_cluster";
    Map<String, Object> section = new LinkedHashMap<>();
    for (String key :
        List.of(
            "host",
            "port",
            "primary_slot_name",
            "restore_command",
            "archive_cleanup_command",
            "recovery_min_apply_delay")) {
      // Patroni writes the port as a number; a malformed one is named by the check below.
      text(path + "." + key)
          .ifPresent(
              v ->
                  section.put(
                      key, key.equals("port") && v.matches("[0-9]{1,5}") ? Integer.valueOf(v) : v));
    }
    if (tree.has(path + ".create_replica_methods")) {
      section.put("create_replica_methods", stringList(path + ".create_replica_methods"));
    }
    if (section.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> problem =
        StandbyCluster.problem(
            DynamicConfig.builder().extra(Map.of(StandbyCluster.KEY, section)).build());
    if (problem.isPresent()) {
      problems.add(where(path) + ": " + problem.get());
      return Optional.empty();
    }
    return Optional.of(section);
  }

  private void readPostgres(PghaConfig.Builder b) {
    // Patroni gives the local file's parameters precedence over bootstrap.dcs's.
    Map<String, String> parameters =
        new LinkedHashMap<>(parameters("bootstrap.dcs.postgresql.parameters"));
    parameters.putAll(parameters("postgresql.parameters"));
    Optional<Path> socketDir = Optional.empty();
    for (String key : List.copyOf(parameters.keySet())) {
      String lower = key.toLowerCase(Locale.ROOT);
      if (PatroniKeys.PARAMETERS_FROM_KEYS.contains(lower)) {
        parameters.remove(key);
        warnings.add(
            where(parameterPath(key))
                + ": parameter "
                + key
                + " is ignored: pgha sets it from postgresql.listen and data_dir");
      } else if (lower.equals("unix_socket_directories")) {
        String first = parameters.remove(key).split(",")[0].trim();
        if (!first.isEmpty()) {
          socketDir = Optional.of(Path.of(first));
        }
      }
    }
    // postgresql.pg_hba is the whole file, written as given; bootstrap.pg_hba adds lines to the
    // file initdb writes, and pgha's own lines play initdb's part.
    boolean hbaWhole = tree.has("postgresql.pg_hba");
    List<String> hba = hbaWhole ? stringList("postgresql.pg_hba") : stringList("bootstrap.pg_hba");
    List<String> initdb = initdbOptions();
    List<String> basebackup =
        patroniOptions("postgresql.basebackup", true, "[verbose, {max-rate: 100M}]");
    Map<String, String> recovery = parameters("postgresql.recovery_conf");
    Optional<Path> customConf = path("postgresql.custom_conf");
    customConf
        .filter(f -> f.isAbsolute() && !java.nio.file.Files.exists(f))
        .ifPresent(
            f ->
                warnings.add(
                    where("postgresql.custom_conf")
                        + ": postgresql.custom_conf ("
                        + f
                        + ") does not exist here: PostgreSQL will not start until it does"));
    List<String> ident = stringList("postgresql.pg_ident");
    Optional<String> runAs = text("pgha.run_as_user");
    Optional<Path> socket = socketDir;
    Optional<Boolean> slots = bool("bootstrap.dcs.postgresql.use_slots");
    b.postgres(
        pg -> {
          pg.parameters(parameters);
          pg.basebackupOptions(basebackup);
          pg.recoveryConf(recovery);
          customConf.ifPresent(pg::customConf);
          pg.pgIdent(ident);
          socket.ifPresent(pg::socketDirectory);
          if (hbaWhole) {
            pg.pgHba(hba);
          } else if (!hba.isEmpty()) {
            pg.pgHbaAfterPghaLines(hba);
          }
          if (!initdb.isEmpty()) {
            pg.initdbOptions(initdb);
          }
          runAs.ifPresent(pg::runAsUser);
          slots.ifPresent(pg::useSlots);
        });
  }

  /**
   * {@code postgresql.create_replica_methods}, or Patroni's older {@code create_replica_method}.
   */
  private List<String> replicaMethodNames() {
    if (replicaMethodNames == null) {
      replicaMethodNames = readReplicaMethodNames();
    }
    return replicaMethodNames;
  }

  private List<String> readReplicaMethodNames() {
    String key =
        tree.has("postgresql.create_replica_methods")
            ? "postgresql.create_replica_methods"
            : "postgresql.create_replica_method";
    Optional<Node> node = tree.node(key);
    if (node.isEmpty()
        || !(node.get() instanceof SequenceNode || node.get() instanceof ScalarNode)) {
      return List.of();
    }
    return stringList(key);
  }

  /**
   * Patroni's {@code postgresql.create_replica_methods} and each custom method's section {@code
   * postgresql.<method>}: its {@code command} (split as Patroni splits it; the method's name when
   * the section has none, as Patroni runs it) and its other keys, passed as {@code --key=value}.
   * pgha's {@code pgha.create_replica_timeout} (seconds) bounds each method.
   */
  private void readReplicaMethods(PghaConfig.Builder b) {
    Optional<Long> timeout = number("pgha.create_replica_timeout", 1, 7 * 24 * 3600);
    timeout.ifPresent(t -> b.postgres(pg -> pg.createReplicaTimeout(Duration.ofSeconds(t))));
    List<String> names = replicaMethodNames();
    if (names.isEmpty()) {
      return;
    }
    List<ReplicaMethod> methods = new ArrayList<>();
    for (String name : names) {
      if (name.equals(ReplicaMethod.BASEBACKUP)) {
        methods.add(ReplicaMethod.basebackup());
        continue;
      }
      String section = "postgresql." + name;
      Map<String, String> options = new LinkedHashMap<>();
      Optional<Node> node = tree.node(section);
      if (node.isPresent() && node.get() instanceof MappingNode m) {
        for (NodeTuple t : m.getValue()) {
          if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) {
            options.put(k.getValue(), v.getValue());
          } else {
            problems.add(
                "line "
                    + YamlTree.line(t.getKeyNode())
                    + ": "
                    + section
                    + " keys must have single values (each becomes --key=value)");
          }
        }
      } else if (node.isPresent() && !(node.get() instanceof ScalarNode)) {
        bad(section, YamlTree.kind(node.get()), "a mapping with command and the method's keys");
      }
      String command = options.remove("command");
      List<String> words;
      try {
        words = ShellWords.split(command == null ? name : command);
      } catch (IllegalArgumentException e) {
        problems.add(where(section + ".command") + ": " + e.getMessage());
        continue;
      }
      methods.add(ReplicaMethod.custom(name, words, options));
    }
    b.postgres(pg -> pg.replicaMethods(methods));
  }

  private String parameterPath(String key) {
    String local = "postgresql.parameters." + key;
    return tree.has(local) ? local : "bootstrap.dcs.postgresql.parameters." + key;
  }

  /** Patroni's initdb list: {@code - data-checksums} and {@code - encoding: UTF8} entries. */
  private List<String> initdbOptions() {
    Optional<Node> node = tree.node("bootstrap.initdb");
    if (node.isEmpty()) {
      return List.of();
    }
    List<String> options =
        patroniOptions("bootstrap.initdb", false, "[data-checksums, {encoding: UTF8}]");
    if (!(node.get() instanceof SequenceNode)) {
      return List.of();
    }
    boolean checksums = options.stream().anyMatch(o -> o.equals("--data-checksums"));
    boolean hints =
        "on".equalsIgnoreCase(text("postgresql.parameters.wal_log_hints").orElse(""))
            || "on"
                .equalsIgnoreCase(
                    text("bootstrap.dcs.postgresql.parameters.wal_log_hints").orElse(""));
    if (!checksums && !hints) {
      warnings.add(
          where("bootstrap.initdb")
              + ": neither data-checksums nor wal_log_hints is on, so pg_rewind cannot rewind a"
              + " former primary; it will be cloned again instead");
    }
    return options;
  }

  /**
   * A tool's options as Patroni writes them ({@code process_user_options}): a list of option names
   * and {@code option: value} pairs ({@code [data-checksums, {encoding: UTF8}]}), or, where {@code
   * mappingAllowed}, a mapping of options to values; each becomes {@code --name} or {@code
   * --name=value}. A pair with an empty value is left out, as Patroni leaves it out.
   */
  private List<String> patroniOptions(String key, boolean mappingAllowed, String example) {
    Optional<Node> node = tree.node(key);
    if (node.isEmpty()) {
      return List.of();
    }
    List<String> options = new ArrayList<>();
    if (mappingAllowed && node.get() instanceof MappingNode m) {
      addPairs(key, m, options);
      return options;
    }
    if (!(node.get() instanceof SequenceNode seq)) {
      bad(key, YamlTree.kind(node.get()), "a list such as " + example);
      return List.of();
    }
    for (Node item : seq.getValue()) {
      if (item instanceof ScalarNode s) {
        options.add("--" + s.getValue());
      } else if (item instanceof MappingNode m) {
        addPairs(key, m, options);
      } else {
        problems.add(
            "line " + YamlTree.line(item) + ": " + key + " entries must not be nested lists");
      }
    }
    return options;
  }

  private void addPairs(String key, MappingNode m, List<String> options) {
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) {
        if (!v.getValue().isEmpty() && !v.getTag().equals(Tag.NULL)) {
          options.add("--" + k.getValue() + "=" + v.getValue());
        }
      } else {
        problems.add(
            "line "
                + YamlTree.line(t.getKeyNode())
                + ": "
                + key
                + " entries must be option names or option: value pairs");
      }
    }
  }

  // ---- values ----

  /** The scalar at {@code path}, the environment's value first. Problems for non-scalars. */
  private Optional<String> text(String path) {
    Optional<String> fromEnv = fromEnvironment(path);
    if (fromEnv.isPresent()) {
      return fromEnv;
    }
    Optional<Node> node = tree.node(path);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    if (node.get() instanceof ScalarNode s) {
      String v = s.getValue();
      return v.isEmpty() || v.equals("~") || v.equalsIgnoreCase("null")
          ? Optional.empty()
          : Optional.of(v);
    }
    bad(path, YamlTree.kind(node.get()), "a single value");
    return Optional.empty();
  }

  /** Like {@link #text} but the value never appears in a message. */
  private Optional<String> secret(String path) {
    Optional<Node> node = tree.node(path);
    if (fromEnvironment(path).isEmpty()
        && node.isPresent()
        && !(node.get() instanceof ScalarNode)) {
      problems.add(where(path) + ": " + path + " must be a single value (a password)");
      return Optional.empty();
    }
    return text(path);
  }

  private Optional<String> fromEnvironment(String path) {
    for (Map.Entry<String, String> e : PatroniKeys.ENVIRONMENT.entrySet()) {
      if (e.getValue().equals(path)) {
        String v = env.get(e.getKey());
        if (v != null && !v.isEmpty()) {
          return Optional.of(v);
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Path> path(String key) {
    return text(key)
        .flatMap(
            v -> {
              try {
                return Optional.of(Path.of(v));
              } catch (RuntimeException e) {
                bad(key, v, "a file system path");
                return Optional.empty();
              }
            });
  }

  private Optional<Boolean> bool(String path) {
    return text(path)
        .flatMap(
            v ->
                switch (v.toLowerCase(Locale.ROOT)) {
                  case "true", "yes", "on" -> Optional.of(true);
                  case "false", "no", "off" -> Optional.of(false);
                  default -> {
                    bad(path, v, "true or false");
                    yield Optional.empty();
                  }
                });
  }

  private Optional<Long> number(String path, long min, long max) {
    return text(path)
        .flatMap(
            v -> {
              try {
                long n = Long.parseLong(v.trim());
                if (n >= min && n <= max) {
                  return Optional.of(n);
                }
              } catch (NumberFormatException e) {
                // reported below
              }
              bad(
                  path,
                  v,
                  max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                      ? "a whole number, " + min + " or more"
                      : "a whole number from " + min + " to " + max);
              return Optional.empty();
            });
  }

  private Optional<Integer> seconds(String path, int min) {
    return text(path)
        .flatMap(
            v -> {
              try {
                int n = Integer.parseInt(v.trim());
                if (n >= min) {
                  return Optional.of(n);
                }
              } catch (NumberFormatException e) {
                // reported below
              }
              bad(path, v, "a whole number of seconds, " + min + " or more");
              return Optional.empty();
            });
  }

  /** A list of scalars, or one scalar (Patroni accepts both for host lists and pg_hba). */
  private List<String> stringList(String path) {
    Optional<String> fromEnv = fromEnvironment(path);
    if (fromEnv.isPresent()) {
      return splitList(fromEnv.get());
    }
    Optional<Node> node = tree.node(path);
    if (node.isEmpty()) {
      return List.of();
    }
    if (node.get() instanceof ScalarNode s) {
      return s.getValue().isBlank() ? List.of() : List.of(s.getValue());
    }
    if (node.get() instanceof SequenceNode seq) {
      List<String> values = new ArrayList<>();
      for (Node item : seq.getValue()) {
        if (item instanceof ScalarNode s) {
          values.add(s.getValue());
        } else {
          problems.add(
              "line " + YamlTree.line(item) + ": " + path + " entries must be single values");
        }
      }
      return values;
    }
    bad(path, YamlTree.kind(node.get()), "a list of values");
    return List.of();
  }

  private List<String> hostList(String path) {
    List<String> hosts = new ArrayList<>();
    for (String entry : stringList(path)) {
      hosts.addAll(splitList(entry));
    }
    return hosts;
  }

  /** {@code a,b}, {@code 'a','b'} or {@code [a, b]} (how Patroni's variables write lists). */
  private static List<String> splitList(String text) {
    String t = text.strip();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    List<String> values = new ArrayList<>();
    for (String part : t.split(",")) {
      String p = part.strip().replaceAll("^['\"]|['\"]$", "");
      if (!p.isEmpty()) {
        values.add(p);
      }
    }
    return values;
  }

  private Map<String, String> parameters(String path) {
    Optional<Node> node = tree.node(path);
    Map<String, String> values = new LinkedHashMap<>();
    if (node.isEmpty()) {
      return values;
    }
    if (!(node.get() instanceof MappingNode m)) {
      bad(path, YamlTree.kind(node.get()), "a mapping of parameter names to values");
      return values;
    }
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) {
        values.put(k.getValue(), v.getValue());
      } else {
        String name =
            t.getKeyNode() instanceof ScalarNode k ? k.getValue() : YamlTree.kind(t.getKeyNode());
        problems.add(
            "line "
                + YamlTree.line(t.getKeyNode())
                + ": "
                + path
                + "."
                + name
                + " must be a single value, not a "
                + YamlTree.kind(t.getValueNode()));
      }
    }
    return values;
  }

  /** A callback: a command line (split on blanks) or a list of words. */
  private List<String> command(String path) {
    Optional<Node> node = tree.node(path);
    if (node.isPresent() && node.get() instanceof SequenceNode) {
      return stringList(path);
    }
    return text(path).map(c -> List.of(c.trim().split("\\s+"))).orElse(List.of());
  }

  // ---- messages ----

  private void bad(String path, String value, String allowed) {
    badKeys.add(path);
    problems.add(
        where(path) + ": " + path + " (" + value + ") is not allowed: expected " + allowed);
  }

  /** {@code line N} of the key, or the environment variable that set it. */
  private String where(String path) {
    for (Map.Entry<String, String> e : PatroniKeys.ENVIRONMENT.entrySet()) {
      if (e.getValue().equals(path)
          && env.get(e.getKey()) != null
          && !env.get(e.getKey()).isEmpty()) {
        return "environment variable " + e.getKey();
      }
    }
    int line = tree.lineOf(path);
    return line > 0 ? "line " + line : "(not set)";
  }

  /** Prefixes a problem pgha's own checks found with the line of the key it names. */
  private String locate(String problem) {
    if (problem == null) {
      return "invalid configuration";
    }
    for (Map.Entry<String, String> e : environmentKeys.entrySet()) {
      if (problem.startsWith(e.getKey() + " ")) {
        return "environment variable " + e.getValue() + ": " + problem;
      }
    }
    Optional<String> best = locatedKey(problem);
    if (best.isPresent()) {
      return "line " + tree.lineOf(best.get()) + ": " + problem;
    }
    for (Map.Entry<String, String> hint : PatroniKeys.PGHA_KEYS.entrySet()) {
      if (problem.startsWith(hint.getKey())) {
        int line = tree.lineOf(hint.getValue());
        return (line > 0 ? "line " + line + ": " : "") + hint.getValue() + ": " + problem;
      }
    }
    return problem;
  }

  /** The key of the file a problem found by pgha's own checks is about, if the file has it. */
  private Optional<String> locatedKey(String problem) {
    String best = null;
    for (String path : tree.paths()) {
      for (String alias : aliases(path)) {
        if (problem.startsWith(alias + " ") || problem.startsWith(alias + ".")) {
          if (best == null || path.length() > best.length()) {
            best = path;
          }
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** The names pgha's checks use for a key of the file. */
  /** A YAML value as plain Java: maps, lists, strings, and null for an empty value. */
  private static Object plain(Node node) {
    if (node instanceof MappingNode m) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k) {
          map.put(k.getValue(), plain(t.getValueNode()));
        }
      }
      return map;
    }
    if (node instanceof SequenceNode seq) {
      List<Object> list = new ArrayList<>();
      seq.getValue().forEach(n -> list.add(plain(n)));
      return list;
    }
    return node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL) ? s.getValue() : null;
  }

  private static List<String> aliases(String path) {
    List<String> names = new ArrayList<>();
    names.add(path);
    if (path.startsWith("etcd3.")) {
      names.add("etcd." + path.substring("etcd3.".length()));
    }
    if (path.equals("etcd3.hosts")
        || path.equals("etcd3.host")
        || path.equals("etcd3.url")
        || path.equals("etcd3.proxy")) {
      names.add("etcd.endpoints");
    }
    if (path.equals("pgha.dns_server")) {
      names.add("etcd.dns_server");
    }
    if (path.startsWith("bootstrap.dcs.")) {
      names.add(path.substring("bootstrap.dcs.".length()));
    }
    if (path.equals("pgha.run_as_user")) {
      names.add("postgresql.run_as_user");
    }
    return names;
  }
}
