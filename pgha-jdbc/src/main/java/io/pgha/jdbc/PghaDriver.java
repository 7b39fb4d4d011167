package io.pgha.jdbc;

import io.pgha.jdbc.routing.ReadPolicy;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A JDBC driver for tools that only take a URL:
 *
 * <pre>
 * jdbc:pgha://ETCD_HOST:PORT[,ETCD_HOST:PORT...]/SCOPE[?role=primary|replica][&amp;namespace=/service]
 *     [&amp;database=postgres][&amp;user=...][&amp;password=...][&amp;readPolicy=ROUND_ROBIN]
 *     [&amp;maxReplicaLagBytes=N][&amp;leaderWaitTimeoutMs=N][&amp;&lt;any pgjdbc property&gt;=...]
 * </pre>
 *
 * <p>Connections with {@code role=replica} are read-only and go to replicas. One {@link
 * TopologyAwareDataSource} is kept per distinct URL (minus the role) and user, so connections share
 * pools; they live until the JVM exits or {@link #closeDataSources()} is called.
 */
public final class PghaDriver implements Driver {

  /** The URL prefix this driver accepts. */
  public static final String PREFIX = "jdbc:pgha:";

  private static final Map<String, TopologyAwareDataSource> DATA_SOURCES =
      new ConcurrentHashMap<>();

  static {
    try {
      DriverManager.registerDriver(new PghaDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The parts of a {@code jdbc:pgha:} URL. */
  record ParsedUrl(PghaDataSourceConfig config, boolean readOnly, String key) {}

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    ParsedUrl parsed;
    try {
      parsed = parse(url, info);
    } catch (IllegalArgumentException e) {
      throw refusal(e, url, info);
    }
    TopologyAwareDataSource ds;
    try {
      ds =
          DATA_SOURCES.computeIfAbsent(
              parsed.key(), k -> new TopologyAwareDataSource(parsed.config()));
    } catch (IllegalStateException e) {
      throw refusal(e, url, info);
    }
    return parsed.readOnly() ? ds.readOnly().getConnection() : ds.getConnection();
  }

  /**
   * Closes the DataSources this driver created (their pools and topology watches), for containers
   * that redeploy applications without restarting the JVM. Connections still open fail on their
   * next use; a later {@code connect} starts afresh.
   */
  public static void closeDataSources() {
    for (String key : List.copyOf(DATA_SOURCES.keySet())) {
      TopologyAwareDataSource ds = DATA_SOURCES.remove(key);
      if (ds != null) {
        ds.close();
      }
    }
  }

  /**
   * The SQLException for a failure to set up a DataSource, with every password of the URL and the
   * properties masked in its message; the cause is kept only when no message in its chain holds one
   * (exceptions end up in application logs).
   */
  static SQLException refusal(RuntimeException e, String url, Properties info) {
    List<String> secrets = secrets(url, info);
    String message = mask(String.valueOf(e.getMessage()), secrets);
    boolean causeIsClean = true;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (!mask(String.valueOf(t.getMessage()), secrets).equals(String.valueOf(t.getMessage()))) {
        causeIsClean = false;
      }
    }
    return causeIsClean
        ? new SQLException(message, "08001", e)
        : new SQLException(message, "08001");
  }

  /** {@code url} with the values of password parameters and of a user-info password masked. */
  static String redact(String url) {
    return url.replaceAll("(?i)([?&][^=&]*password[^=&]*=)[^&]*", "$1***")
        .replaceAll("//([^:/@,?]+):[^@/?]*@", "//$1:***@");
  }

  private static List<String> secrets(String url, Properties info) {
    List<String> secrets = new ArrayList<>();
    java.util.regex.Matcher query =
        java.util.regex.Pattern.compile("(?i)[?&][^=&]*password[^=&]*=([^&]*)").matcher(url);
    while (query.find()) {
      secrets.add(query.group(1));
      secrets.add(URLDecoder.decode(query.group(1), StandardCharsets.UTF_8));
    }
    java.util.regex.Matcher userInfo =
        java.util.regex.Pattern.compile("[/,@]([^:/@,?]+):([^@/?]*)@").matcher(url);
    while (userInfo.find()) {
      secrets.add(userInfo.group(2));
    }
    if (info != null) {
      for (String name : info.stringPropertyNames()) {
        if (name.toLowerCase(Locale.ROOT).contains("password")) {
          secrets.add(info.getProperty(name));
        }
      }
    }
    secrets.removeIf(String::isEmpty);
    // The longest first, so that a secret containing another is masked whole.
    secrets.sort(java.util.Comparator.comparingInt(String::length).reversed());
    return secrets;
  }

  private static String mask(String text, List<String> secrets) {
    String masked = text;
    for (String secret : secrets) {
      masked = masked.replace(secret, "***");
    }
    return masked;
  }

  /** How many DataSources the driver holds (for tests). */
  static int dataSourceCount() {
    return DATA_SOURCES.size();
  }

  /**
   * Parses a URL into a configuration.
   *
   * @throws IllegalArgumentException naming the part of the URL that is wrong
   */
  static ParsedUrl parse(String url, Properties info) {
    String rest = url.substring(PREFIX.length());
    if (!rest.startsWith("//")) {
      throw new IllegalArgumentException(
          "pgha: url ("
              + redact(url)
              + ") must look like jdbc:pgha://etcd-host:port[,...]/scope[?...]");
    }
    rest = rest.substring(2);
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "pgha: url (" + redact(url) + ") has no /scope after the hosts");
    }
    String hosts = rest.substring(0, slash);
    String pathAndQuery = rest.substring(slash + 1);
    int q = pathAndQuery.indexOf('?');
    String scope = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    Map<String, String> params = new LinkedHashMap<>();
    if (q >= 0) {
      for (String pair : pathAndQuery.substring(q + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = eq < 0 ? pair : pair.substring(0, eq);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.put(k, v);
      }
    }
    if (info != null) {
      for (String name : info.stringPropertyNames()) {
        params.putIfAbsent(name, info.getProperty(name));
      }
    }
    List<String> endpoints = new ArrayList<>();
    for (String h : hosts.split(",")) {
      endpoints.add(h.contains("://") ? h : "http://" + h);
    }
    String role = params.remove("role");
    boolean readOnly;
    if (role == null || role.equals("primary") || role.equals("leader") || role.equals("master")) {
      readOnly = false;
    } else if (role.equals("replica") || role.equals("read-only")) {
      readOnly = true;
    } else {
      throw new IllegalArgumentException("pgha: role (" + role + ") must be primary or replica");
    }
    PghaDataSourceConfig.Builder b = PghaDataSourceConfig.builder().etcd(endpoints).scope(scope);
    for (Map.Entry<String, String> e : params.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "namespace" -> b.namespace(v);
        case "database" -> b.database(v);
        case "user" -> b.username(v);
        case "password" -> b.password(v);
        case "readPolicy" -> b.readPolicy(policy(v));
        case "maxReplicaLagBytes" -> b.maxReplicaLagBytes(number("maxReplicaLagBytes", v));
        case "leaderWaitTimeoutMs" ->
            b.leaderWaitTimeout(Duration.ofMillis(number("leaderWaitTimeoutMs", v)));
        case "fallbackToLeader" -> b.fallbackToLeader(Boolean.parseBoolean(v));
        case "maximumPoolSize" -> b.maximumPoolSize((int) number("maximumPoolSize", v));
        default -> b.connectionProperty(e.getKey(), v);
      }
    }
    // Everything but the role: primary and replica connections of one cluster share the pools.
    String key = hosts + "/" + scope + "?" + new java.util.TreeMap<>(params);
    return new ParsedUrl(b.build(), readOnly, key);
  }

  private static ReadPolicy policy(String v) {
    try {
      return ReadPolicy.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "pgha: readPolicy (" + v + ") must be one of ROUND_ROBIN, LEAST_CONNECTIONS, LEAST_LAG",
          e);
    }
  }

  private static long number(String key, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("pgha: " + key + " (" + v + ") must be a whole number", e);
    }
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return acceptsURL(url) ? DriverOptions.describe(url, info) : new DriverPropertyInfo[0];
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 1;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("pgha logs through SLF4J");
  }
}
