package io.pgha.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The member's HTTP API (Patroni's {@code restapi} section). Set through {@link
 * PghaConfig.Builder#restApi}; checked with the rest of the configuration. {@link #toString()}
 * masks the passwords.
 *
 * @param listen the address the API server binds
 * @param connectAddress the address other members, patronictl and HAProxy use; published as {@code
 *     api_url}
 * @param authentication the basic-auth user unsafe methods require ({@code
 *     restapi.authentication}); null for none. This member also sends it to its peers' APIs.
 * @param allowlist addresses, CIDR ranges or host names allowed to use unsafe methods; empty for
 *     all
 * @param keyStore a PKCS#12 file with the server's key and certificate chain; null for none
 * @param keyStorePassword the key store's password; null for none
 * @param certFile the server's PEM certificate chain ({@code restapi.certfile}); null for none
 * @param keyFile the PEM PKCS#8 private key of {@code certFile} ({@code restapi.keyfile})
 * @param verifyClient whether client certificates are asked for ({@code restapi.verify_client})
 * @param caFile the PEM CA certificates client certificates are verified against, and peers' API
 *     certificates when this member calls them ({@code restapi.cafile}); null for none (peers are
 *     then verified against the JDK's trusted authorities)
 * @param threads worker threads, and so concurrent requests
 * @param queue requests that may wait for a worker; more are refused
 * @param maxBodyBytes the largest request body accepted; larger ones get 413
 * @param requestTimeout the longest time to deliver a complete request; a slower client is
 *     disconnected
 * @param switchoverWait how long {@code POST /switchover} waits for the new leader; null for
 *     Patroni's {@code 2 * max(10 s, loop_wait)}
 * @param maxConnections the most connections open at once; at the bound, the connection waiting for
 *     a request that has been quiet longest is closed to make room
 * @param allowUnauthenticatedUnsafeMethods the operator's explicit consent to an API that listens
 *     beyond loopback without authentication ({@code
 *     restapi.allow_unauthenticated_unsafe_methods}); without it such a configuration is refused
 * @param cipherSuites the JSSE names of the TLS 1.2 (and older) cipher suites the API accepts
 *     ({@code restapi.ciphers}, OpenSSL names mapped); empty for the JVM's defaults. As with
 *     OpenSSL, TLS 1.3 keeps its own suites unless some are named
 * @param httpExtraHeaders headers added to every answer ({@code restapi.http_extra_headers})
 * @param httpsExtraHeaders headers added to every answer when the API serves HTTPS ({@code
 *     restapi.https_extra_headers}); they win over {@code httpExtraHeaders} of the same name
 * @param allowlistIncludeMembers whether the API hosts the cluster's members publish in their
 *     {@code members/<name>} keys are allowed too ({@code restapi.allowlist_include_members}); with
 *     it, unsafe methods are limited to the allow-list and the members even when the allow-list is
 *     empty
 */
public record RestApiSettings(
    HostPort listen,
    HostPort connectAddress,
    Credentials authentication,
    List<String> allowlist,
    Path keyStore,
    String keyStorePassword,
    Path certFile,
    Path keyFile,
    ClientCertificates verifyClient,
    Path caFile,
    int threads,
    int queue,
    int maxBodyBytes,
    Duration requestTimeout,
    Duration switchoverWait,
    int maxConnections,
    boolean allowUnauthenticatedUnsafeMethods,
    List<String> cipherSuites,
    Map<String, String> httpExtraHeaders,
    Map<String, String> httpsExtraHeaders,
    boolean allowlistIncludeMembers) {

  public static final int DEFAULT_THREADS = 4;
  public static final int DEFAULT_QUEUE = 64;
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_CONNECTIONS = 1024;

  public RestApiSettings {
    allowlist = List.copyOf(allowlist);
    cipherSuites = List.copyOf(cipherSuites);
    httpExtraHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(httpExtraHeaders));
    httpsExtraHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(httpsExtraHeaders));
  }

  /**
   * The headers added to every answer, as Patroni adds them: {@code http_extra_headers}, then
   * {@code https_extra_headers} when the API serves HTTPS.
   */
  public Map<String, String> extraHeaders() {
    Map<String, String> headers = new LinkedHashMap<>(httpExtraHeaders);
    if (tlsEnabled()) {
      headers.putAll(httpsExtraHeaders);
    }
    return Collections.unmodifiableMap(headers);
  }

  /**
   * The URL published in the member key: {@code http://host:port/patroni}, or {@code https://...}
   * when the API serves TLS (other members, failsafe heartbeats and patronictl call it).
   */
  public String apiUrl() {
    return (tlsEnabled() ? "https://" : "http://") + connectAddress + "/patroni";
  }

  /**
   * Whether unsafe methods need proof of who calls: Basic credentials or a required client
   * certificate. (An allow-list limits where calls may come from, not who makes them.)
   */
  public boolean authenticated() {
    return authentication != null || verifyClient == ClientCertificates.REQUIRED;
  }

  /**
   * Whether anyone who can reach the API over the network may switch over, restart or reconfigure
   * the cluster: it listens beyond loopback without {@link #authenticated() authentication}. Only
   * possible with {@link #allowUnauthenticatedUnsafeMethods()}; the API warns at every start.
   */
  public boolean openToNetwork() {
    return !listen.isLoopback() && !authenticated();
  }

  /** The user name and password unsafe methods require, when configured. */
  public Optional<Credentials> credentials() {
    return Optional.ofNullable(authentication);
  }

  /** Whether the API serves HTTPS. */
  public boolean tlsEnabled() {
    return keyStore != null || certFile != null;
  }

  @Override
  public String toString() {
    return "RestApiSettings[listen="
        + listen
        + ", connectAddress="
        + connectAddress
        + ", authentication="
        + authentication
        + ", allowlist="
        + allowlist
        + ", tls="
        + (keyStore != null ? "pkcs12 " + keyStore : certFile != null ? "pem " + certFile : "off")
        + ", keyStorePassword="
        + Masking.mask(keyStorePassword)
        + ", verifyClient="
        + verifyClient
        + ", threads="
        + threads
        + ", queue="
        + queue
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", requestTimeout="
        + requestTimeout
        + ", switchoverWait="
        + switchoverWait
        + ", maxConnections="
        + maxConnections
        + ", allowUnauthenticatedUnsafeMethods="
        + allowUnauthenticatedUnsafeMethods
        + ", cipherSuites="
        + (cipherSuites.isEmpty() ? "default" : cipherSuites)
        + ", extraHeaders="
        + extraHeaders().keySet()
        + ", allowlistIncludeMembers="
        + allowlistIncludeMembers
        + "]";
  }

  /**
   * The keys of the {@code restapi} section. Nothing is checked until {@link
   * PghaConfig.Builder#build()}. Defaults: listen on {@code 127.0.0.1:8008}, no authentication, no
   * allow-list, no TLS, 4 threads, a queue of 64, 64 KiB bodies, 10 s to receive a request, 1024
   * connections. Listening beyond loopback requires authentication or {@link
   * #allowUnauthenticatedUnsafeMethods}.
   */
  public static final class Builder {
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\t\\x20-\\x7e\\x80-\\xff]*");
    private String listen = "127.0.0.1:8008";
    private String connectAddress;
    private String username;
    private String password;
    private List<String> allowlist = List.of();
    private Path keyStore;
    private String keyStorePassword;
    private Path certFile;
    private Path keyFile;
    private ClientCertificates verifyClient = ClientCertificates.NONE;
    private Path caFile;
    private int threads = DEFAULT_THREADS;
    private int queue = DEFAULT_QUEUE;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration switchoverWait;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private boolean allowUnauthenticatedUnsafeMethods;
    private String ciphers;
    private Map<String, String> httpExtraHeaders = Map.of();
    private Map<String, String> httpsExtraHeaders = Map.of();
    private boolean allowlistIncludeMembers;

    Builder() {}

    /**
     * {@code restapi.ciphers}: the TLS 1.2 cipher suites the API accepts, named one by one and
     * separated by {@code :} — OpenSSL's names, as in Patroni ({@code
     * ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384}), or JSSE's. A name this JVM does
     * not support, or an OpenSSL keyword ({@code HIGH}, {@code !aNULL}), is refused. Default: the
     * JVM's suites. TLS 1.3 keeps its own suites unless some are named, as with OpenSSL.
     */
    public Builder ciphers(String openSslList) {
      this.ciphers = openSslList;
      return this;
    }

    /** {@code restapi.http_extra_headers}: headers added to every answer. */
    public Builder httpExtraHeaders(Map<String, String> headers) {
      this.httpExtraHeaders = new LinkedHashMap<>(headers);
      return this;
    }

    /**
     * {@code restapi.https_extra_headers}: headers added to every answer when the API serves HTTPS
     * (e.g. {@code Strict-Transport-Security}).
     */
    public Builder httpsExtraHeaders(Map<String, String> headers) {
      this.httpsExtraHeaders = new LinkedHashMap<>(headers);
      return this;
    }

    /**
     * {@code restapi.allowlist_include_members}: also allow unsafe methods from the hosts of the
     * {@code api_url} every member publishes in etcd, as the members change. It trusts whoever can
     * write a member key in etcd: protect etcd with authentication when it is on. With it, an empty
     * allow-list allows the members only (Patroni's rule).
     */
    public Builder allowlistIncludeMembers(boolean value) {
      this.allowlistIncludeMembers = value;
      return this;
    }

    /**
     * {@code restapi.listen}: {@code host:port} the API binds; default {@code 127.0.0.1:8008}. An
     * address other than loopback needs {@link #authentication} (or {@link #verifyClient} {@code
     * REQUIRED}), or {@link #allowUnauthenticatedUnsafeMethods}.
     */
    public Builder listen(String hostPort) {
      this.listen = hostPort;
      return this;
    }

    /** {@code restapi.connect_address}: {@code host:port}; default the listen address. */
    public Builder connectAddress(String hostPort) {
      this.connectAddress = hostPort;
      return this;
    }

    /** {@code restapi.authentication}: basic auth for unsafe methods; both or neither. */
    public Builder authentication(String username, String password) {
      this.username = username;
      this.password = password;
      return this;
    }

    /** {@code restapi.allowlist}: clients allowed to use unsafe methods. */
    public Builder allowlist(List<String> entries) {
      this.allowlist = new ArrayList<>(entries);
      return this;
    }

    /** Serves HTTPS with the key and certificate chain of a PKCS#12 key store. */
    public Builder tlsPkcs12(Path keyStore, String password) {
      this.keyStore = keyStore;
      this.keyStorePassword = password;
      return this;
    }

    /** {@code restapi.certfile} / {@code keyfile}: serves HTTPS with PEM files. */
    public Builder tlsPem(Path certFile, Path keyFile) {
      this.certFile = certFile;
      this.keyFile = keyFile;
      return this;
    }

    /** {@code restapi.verify_client} and {@code restapi.cafile}. */
    public Builder verifyClient(ClientCertificates mode, Path caFile) {
      this.verifyClient = mode;
      this.caFile = caFile;
      return this;
    }

    /**
     * {@code restapi.cafile}: the PEM CA certificates that client certificates are verified
     * against, and that the peers' API certificates must chain to when this member calls them.
     */
    public Builder caFile(Path caFile) {
      this.caFile = caFile;
      return this;
    }

    /** Worker threads (1 to 256; default 4). */
    public Builder threads(int value) {
      this.threads = value;
      return this;
    }

    /** Requests that may wait for a worker (0 to 10000; default 64). */
    public Builder queue(int value) {
      this.queue = value;
      return this;
    }

    /** The largest request body (1 KiB to 16 MiB; default 64 KiB). */
    public Builder maxBodyBytes(int value) {
      this.maxBodyBytes = value;
      return this;
    }

    /**
     * The longest time to deliver a complete request, counted from the connection's start or its
     * previous answer, TLS handshake included (at least 1 s; default 10 s); a slower client is
     * disconnected. Each API server keeps its own.
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = value;
      return this;
    }

    /** How long {@code POST /switchover} waits for the new leader before answering 503. */
    public Builder switchoverWait(Duration value) {
      this.switchoverWait = value;
      return this;
    }

    /**
     * {@code restapi.max_connections}: connections open at once (16 to 10000; default 1024). At the
     * bound, the connection waiting for a request that has been quiet longest is closed to make
     * room, so slow or idle clients cannot lock health checks out.
     */
    public Builder maxConnections(int value) {
      this.maxConnections = value;
      return this;
    }

    /**
     * {@code restapi.allow_unauthenticated_unsafe_methods}: lets the API listen beyond loopback
     * without authentication, so that anyone who can reach it may switch over, restart,
     * reinitialize or reconfigure the cluster. Off by default, and such a configuration is refused;
     * when on, the API logs a warning at every start. Prefer {@link #authentication}.
     */
    public Builder allowUnauthenticatedUnsafeMethods(boolean value) {
      this.allowUnauthenticatedUnsafeMethods = value;
      return this;
    }

    /** Checks every key into {@code checks}; the result is only used when there is no problem. */
    RestApiSettings build(ConfigChecks checks) {
      HostPort listenAt = checks.hostPort("restapi.listen", listen, true);
      HostPort connectAt =
          checks.connectAddress(
              "restapi.connect_address", connectAddress, "restapi.listen", listenAt);
      String user = "restapi.authentication.username";
      checks.pair(user, username, "restapi.authentication.password", password != null);
      if (username != null && (username.isEmpty() || username.contains(":"))) {
        checks.problem(user + " (" + username + ") must not be empty or contain ':'");
      }
      for (String entry : allowlist) {
        if (entry == null || entry.isBlank()) {
          checks.problem(
              "restapi.allowlist ("
                  + entry
                  + ") must list addresses, CIDR ranges or host names, none blank");
        }
      }
      checks.readableFileIfSet("restapi.keystore", keyStore);
      if (keyStore == null) {
        checks.pair("restapi.certfile", certFile, "restapi.keyfile", keyFile != null);
        checks.readableFileIfSet("restapi.certfile", certFile);
        checks.readableFileIfSet("restapi.keyfile", keyFile);
      }
      checkClientCertificates(checks);
      checks.range("restapi.threads", threads, 1, 256);
      checks.range("restapi.queue", queue, 0, 10_000);
      checks.range("restapi.max_body_bytes", maxBodyBytes, 1024, 16 * 1024 * 1024);
      if (requestTimeout == null || requestTimeout.toSeconds() < 1) {
        checks.problem("restapi.request_timeout (" + requestTimeout + ") must be at least 1s");
      }
      if (switchoverWait != null && switchoverWait.isNegative()) {
        checks.problem("restapi.switchover_wait (" + switchoverWait + ") must not be negative");
      }
      checks.range("restapi.max_connections", maxConnections, 16, 10_000);
      boolean authenticated =
          (username != null && password != null) || verifyClient == ClientCertificates.REQUIRED;
      if (listenAt != null
          && !listenAt.isLoopback()
          && !authenticated
          && !allowUnauthenticatedUnsafeMethods) {
        checks.problem(openApiProblem(listenAt));
      }
      List<String> suites = OpenSslCipherNames.toJava("restapi.ciphers", ciphers, checks);
      headers(checks, "restapi.http_extra_headers", httpExtraHeaders);
      headers(checks, "restapi.https_extra_headers", httpsExtraHeaders);
      Credentials auth =
          username != null && password != null ? new Credentials(username, password) : null;
      return new RestApiSettings(
          listenAt,
          connectAt,
          auth,
          allowlist,
          keyStore,
          keyStorePassword,
          keyStore == null ? certFile : null,
          keyStore == null ? keyFile : null,
          verifyClient,
          caFile,
          threads,
          queue,
          maxBodyBytes,
          requestTimeout,
          switchoverWait,
          maxConnections,
          allowUnauthenticatedUnsafeMethods,
          suites == null ? List.of() : suites,
          httpExtraHeaders,
          httpsExtraHeaders,
          allowlistIncludeMembers);
    }

    /** Header names are HTTP tokens; values hold no line break (no header injection). */
    private static void headers(ConfigChecks checks, String key, Map<String, String> headers) {
      if (headers == null) {
        checks.problem(key + " (null) must be a mapping of header names to values");
        return;
      }
      for (Map.Entry<String, String> h : headers.entrySet()) {
        String name = h.getKey();
        String value = h.getValue();
        if (name == null || !HEADER_NAME.matcher(name).matches()) {
          checks.problem(
              key + " (" + name + ") must name headers with letters, digits and !#$%&'*+-.^_`|~");
        } else if (value == null || !HEADER_VALUE.matcher(value).matches()) {
          checks.problem(
              key
                  + "."
                  + name
                  + " ("
                  + value
                  + ") must be a single line of visible characters, spaces and tabs");
        }
      }
    }

    /** What the operator must add: the exact keys, in Patroni's YAML names. */
    private static String openApiProblem(HostPort listenAt) {
      return "restapi.listen ("
          + listenAt
          + ") is reachable from the network but restapi.authentication is not set, so anyone who"
          + " can connect could switch over, restart or reconfigure the cluster: add"
          + " restapi.authentication.username and restapi.authentication.password (every member"
          + " and patronictl use the same), or require client certificates (restapi.certfile,"
          + " restapi.keyfile, restapi.cafile and restapi.verify_client: required), or listen on"
          + " 127.0.0.1; to run it open anyway, set restapi.allow_unauthenticated_unsafe_methods:"
          + " true";
    }

    private void checkClientCertificates(ConfigChecks checks) {
      if (verifyClient == null) {
        checks.problem("restapi.verify_client is required (none, optional or required)");
        return;
      }
      if (verifyClient == ClientCertificates.NONE) {
        return;
      }
      String mode = "restapi.verify_client (" + verifyClient.name().toLowerCase(Locale.ROOT) + ")";
      if (keyStore == null && certFile == null) {
        checks.problem(mode + " requires TLS: set restapi.certfile or restapi.keystore");
      }
      if (caFile == null) {
        checks.problem(mode + " requires restapi.cafile to verify client certificates with");
      }
      checks.readableFileIfSet("restapi.cafile", caFile);
    }
  }
}
