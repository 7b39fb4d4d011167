package io.pgha.sidecar;

import io.pgha.patroni.HostNames;
import io.pgha.patroni.MemberNames;
import java.util.List;
import java.util.Objects;

/**
 * An HAProxy configuration with Pigsty's four services for one cluster, checked against the
 * members' Patroni-compatible HTTP API:
 *
 * <ul>
 *   <li>primary ({@value #PRIMARY}): the leader, {@code OPTIONS /primary};
 *   <li>replica ({@value #REPLICA}): replicas ({@code OPTIONS /replica}), and the primary service
 *       when no replica is up;
 *   <li>default ({@value #DEFAULT}): the leader, {@code OPTIONS /primary};
 *   <li>offline ({@value #OFFLINE}): replicas only, {@code OPTIONS /replica}.
 * </ul>
 *
 * <p>Pigsty's replica service checks {@code /read-only} and lists the primary as a backup server,
 * which fixes the primary at the time the file was written; the fallback here follows switchovers.
 *
 * @param scope the cluster name (proxy names are {@code <scope>-primary}, ...)
 * @param bind the address the services listen on
 * @param ports the four service ports
 * @param servers the members
 * @param checkTls whether the HTTP API serves HTTPS
 * @param checks the health checks' timing
 * @param source where the member list came from (a comment in the file)
 */
record HaproxyConfig(
    String scope,
    String bind,
    Ports ports,
    List<Server> servers,
    boolean checkTls,
    Checks checks,
    String source) {

  static final int PRIMARY = 5433;
  static final int REPLICA = 5434;
  static final int DEFAULT = 5436;
  static final int OFFLINE = 5438;

  /** The ports of the four services. */
  record Ports(int primary, int replica, int defaultPort, int offline) {
    static final Ports PIGSTY = new Ports(PRIMARY, REPLICA, DEFAULT, OFFLINE);
  }

  /**
   * How often and how patiently HAProxy checks each server.
   *
   * <p>{@link #FAST} follows the fast takeover of synchronous mode (a new leader after about {@code
   * leader_silence_timeout}, 2 s, plus its promotion). One 200 marks a server up: the leader checks
   * answer 200 only while leadership is confirmed by etcd within {@code leader_silence_timeout} and
   * PostgreSQL runs read-write, so a single answer can be trusted. Two failures mark it down: a
   * frozen or dead host (a check times out after 1 s, the next comes 250 ms later) is out about 2.5
   * s after it stopped, when its successor comes up; a deposed leader answering 503 is out within
   * about 0.5 s. The cost: each HAProxy sends two checks a second per server and service.
   */
  enum Checks {
    /** Pigsty's defaults: a server changes state after 3 checks, 3 s apart. */
    PIGSTY("3s", "inter 3s fastinter 1s downinter 5s rise 3 fall 3"),
    /** Matched to the fast takeover (see the enum's comment). */
    FAST("1s", "inter 500ms fastinter 250ms downinter 500ms rise 1 fall 2");

    private final String timeout;
    private final String timing;

    Checks(String timeout, String timing) {
      this.timeout = timeout;
      this.timing = timing;
    }
  }

  /**
   * One member.
   *
   * @param name the member name
   * @param host where PostgreSQL listens
   * @param port PostgreSQL's port
   * @param apiHost where the HTTP API listens
   * @param apiPort the HTTP API's port
   */
  record Server(String name, String host, int port, String apiHost, int apiPort) {
    /**
     * Refuses what would become HAProxy syntax: these values come from member keys in etcd, which
     * anyone with write access there can forge.
     *
     * @throws IllegalArgumentException "what (value) rule"
     */
    Server {
      MemberNames.whyUnsafe("member name", name)
          .ifPresent(
              why -> {
                throw new IllegalArgumentException(why);
              });
      requireHost("host", host);
      requireHost("api host", apiHost);
    }

    private static void requireHost(String what, String host) {
      if (!HostNames.isHostOrAddress(host)) {
        throw new IllegalArgumentException(
            "member " + what + " (" + MemberNames.printable(host) + ") " + HostNames.RULE);
      }
    }
  }

  HaproxyConfig {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(checks, "checks");
    servers = List.copyOf(servers);
  }

  /** The configuration file's text. */
  String render() {
    StringBuilder out = new StringBuilder();
    out.append("# HAProxy configuration for the pgha cluster ").append(scope).append('\n');
    out.append("# written by pgha-sidecar haproxy-config; members ")
        .append(MemberNames.printable(source))
        .append('\n');
    out.append("# services as Pigsty's: primary, replica, default, offline\n\n");
    out.append("global\n    maxconn 4096\n\n");
    out.append("defaults\n");
    out.append("    mode tcp\n");
    out.append("    retries 2\n");
    out.append("    timeout queue 5s\n");
    out.append("    timeout connect 3s\n");
    out.append("    timeout client 24h\n");
    out.append("    timeout server 24h\n");
    out.append("    timeout check ").append(checks.timeout).append("\n\n");

    String primary = scope + "-primary";
    service(out, "listen " + primary, ports.primary(), "/primary");

    String replicas = scope + "-replica-members";
    out.append("frontend ").append(scope).append("-replica\n");
    out.append("    bind ").append(bind).append(':').append(ports.replica()).append('\n');
    out.append("    mode tcp\n");
    out.append("    use_backend ")
        .append(replicas)
        .append(" if { nbsrv(")
        .append(replicas)
        .append(") gt 0 }\n");
    out.append("    default_backend ").append(primary).append("\n\n");
    service(out, "backend " + replicas, -1, "/replica");

    service(out, "listen " + scope + "-default", ports.defaultPort(), "/primary");
    service(out, "listen " + scope + "-offline", ports.offline(), "/replica");
    return out.toString();
  }

  private void service(StringBuilder out, String header, int port, String check) {
    out.append(header).append('\n');
    if (port > 0) {
      out.append("    bind ").append(bind).append(':').append(port).append('\n');
    }
    out.append("    mode tcp\n");
    if (port > 0) {
      out.append("    maxconn 5000\n");
    }
    out.append("    balance roundrobin\n");
    out.append("    option httpchk\n");
    out.append("    option http-keep-alive\n");
    out.append("    http-check send meth OPTIONS uri ").append(check).append('\n');
    out.append("    http-check expect status 200\n");
    out.append("    default-server ")
        .append(checks.timing)
        .append(" on-marked-down shutdown-sessions maxconn 3000 maxqueue 128 weight 100\n");
    for (Server s : servers) {
      out.append("    server ")
          .append(s.name())
          .append(' ')
          .append(address(s.host()))
          .append(':')
          .append(s.port())
          .append(" check port ")
          .append(s.apiPort());
      if (!s.apiHost().equals(s.host())) {
        out.append(" addr ").append(s.apiHost());
      }
      if (checkTls) {
        out.append(" check-ssl verify none");
      }
      out.append('\n');
    }
    out.append('\n');
  }

  private static String address(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
