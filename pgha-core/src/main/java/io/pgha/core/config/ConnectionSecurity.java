package io.pgha.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a connection to PostgreSQL protects itself (Patroni's TLS keys under {@code
 * postgresql.authentication.<role>}): the TLS mode and files, GSSAPI encryption, channel binding
 * and the authentication methods the client accepts. The same settings reach libpq (the replication
 * connection, pg_basebackup, pg_rewind) and pgjdbc (the agent's own connections).
 *
 * <p>No component is a secret: an encrypted key's password is not supported, because libpq would
 * take it on a command line and in {@code primary_conninfo}, which PostgreSQL logs.
 *
 * @param sslMode libpq's {@code sslmode}: disable, allow, prefer (the default), require, verify-ca,
 *     verify-full
 * @param sslRootCert PEM file of the CA that signed the server's certificate; null for libpq's
 *     default ({@code ~/.postgresql/root.crt} of the OS user)
 * @param sslCert PEM client certificate; null for none
 * @param sslKey PEM (PKCS#8) key of {@code sslCert}, unencrypted, readable only by its owner
 * @param sslCrl PEM certificate revocation list; libpq only (pgjdbc checks no CRL)
 * @param sslCrlDir directory of revocation lists; libpq only
 * @param gssEncMode {@code gssencmode}: disable, prefer, require; null for the client's default
 * @param channelBinding {@code channel_binding}: disable, prefer, require; null for the default
 *     (prefer)
 * @param requireAuth {@code require_auth}: the methods the client accepts, e.g. {@code
 *     scram-sha-256}; libpq knows it from PostgreSQL 16
 */
public record ConnectionSecurity(
    String sslMode,
    Path sslRootCert,
    Path sslCert,
    Path sslKey,
    Path sslCrl,
    Path sslCrlDir,
    String gssEncMode,
    String channelBinding,
    String requireAuth) {

  /** The ssl modes libpq and pgjdbc both know. */
  public static final Set<String> SSL_MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  private static final Set<String> NEGOTIATED = Set.of("disable", "prefer", "require");
  private static final Set<String> AUTH_METHODS =
      Set.of("password", "md5", "gss", "sspi", "scram-sha-256", "none");

  /** TLS when the server offers it, unverified: libpq's and pgjdbc's default. */
  public static final ConnectionSecurity DEFAULT =
      new ConnectionSecurity("prefer", null, null, null, null, null, null, null, null);

  /** Whether the client refuses a connection without TLS. */
  public boolean requiresTls() {
    return sslMode.equals("require") || sslMode.startsWith("verify-");
  }

  /**
   * The libpq connection keywords and values, in pairs, for a conninfo string ({@code sslmode}
   * always, the others when set).
   */
  public List<String> libpqKeywords() {
    List<String> out = new ArrayList<>();
    for (Setting s : settings()) {
      if (s.value() != null) {
        out.add(s.libpq());
        out.add(s.value().toString());
      }
    }
    return out;
  }

  /** The same settings as pgjdbc connection properties (pgjdbc has no revocation lists). */
  public Properties jdbcProperties() {
    Properties p = new Properties();
    for (Setting s : settings()) {
      if (s.value() != null && s.jdbc() != null) {
        p.setProperty(s.jdbc(), s.value().toString());
      }
    }
    return p;
  }

  /** One setting under libpq's name and pgjdbc's (null: pgjdbc does not know it). */
  private record Setting(String libpq, String jdbc, Object value) {}

  /** Which name each client library gives each setting. */
  private List<Setting> settings() {
    return List.of(
        new Setting("sslmode", "sslmode", sslMode),
        new Setting("sslrootcert", "sslrootcert", sslRootCert),
        new Setting("sslcert", "sslcert", sslCert),
        new Setting("sslkey", "sslkey", sslKey),
        new Setting("sslcrl", null, sslCrl),
        new Setting("sslcrldir", null, sslCrlDir),
        new Setting("gssencmode", "gssEncMode", gssEncMode),
        new Setting("channel_binding", "channelBinding", channelBinding),
        new Setting("require_auth", "requireAuth", requireAuth));
  }

  /** The settings in conninfo form, for messages: which settings a failed connection used. */
  public String describe() {
    List<String> kv = libpqKeywords();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < kv.size(); i += 2) {
      out.append(i == 0 ? "" : " ").append(kv.get(i)).append('=').append(kv.get(i + 1));
    }
    return out.toString();
  }

  /**
   * The TLS keys of one role ({@code postgresql.authentication.<role>.*}). Nothing is checked until
   * the configuration is built.
   */
  public static final class Builder {
    private String sslMode;
    private Path sslRootCert;
    private Path sslCert;
    private Path sslKey;
    private Path sslCrl;
    private Path sslCrlDir;
    private String gssEncMode;
    private String channelBinding;
    private String requireAuth;

    Builder() {}

    /** {@code sslmode} (default prefer). */
    public Builder sslMode(String value) {
      this.sslMode = value;
      return this;
    }

    /** {@code sslrootcert}: the CA that signed the server's certificate (PEM). */
    public Builder sslRootCert(Path file) {
      this.sslRootCert = file;
      return this;
    }

    /** {@code sslcert} and {@code sslkey}: a client certificate and its unencrypted key (PEM). */
    public Builder clientCertificate(Path certFile, Path keyFile) {
      this.sslCert = certFile;
      this.sslKey = keyFile;
      return this;
    }

    /** {@code sslcrl}: a revocation list (PEM); used by libpq only. */
    public Builder sslCrl(Path file) {
      this.sslCrl = file;
      return this;
    }

    /** {@code sslcrldir}: a directory of revocation lists; used by libpq only. */
    public Builder sslCrlDir(Path dir) {
      this.sslCrlDir = dir;
      return this;
    }

    /** {@code gssencmode}: disable, prefer or require. */
    public Builder gssEncMode(String value) {
      this.gssEncMode = value;
      return this;
    }

    /** {@code channel_binding}: disable, prefer or require. */
    public Builder channelBinding(String value) {
      this.channelBinding = value;
      return this;
    }

    /** {@code require_auth}: accepted methods, comma-separated, each may start with {@code !}. */
    public Builder requireAuth(String value) {
      this.requireAuth = value;
      return this;
    }

    /** Whether any key was set. */
    boolean isSet() {
      return sslMode != null
          || sslRootCert != null
          || sslCert != null
          || sslKey != null
          || sslCrl != null
          || sslCrlDir != null
          || gssEncMode != null
          || channelBinding != null
          || requireAuth != null;
    }

    /**
     * Checks every key, named under {@code prefix} (e.g. {@code ...authentication.replication}).
     */
    ConnectionSecurity build(ConfigChecks checks, String prefix) {
      String mode = sslMode == null ? DEFAULT.sslMode() : sslMode;
      oneOf(checks, prefix + ".sslmode", mode, SSL_MODES);
      checks.readableFileIfSet(prefix + ".sslrootcert", sslRootCert);
      checks.pair(prefix + ".sslcert", sslCert, prefix + ".sslkey", sslKey != null);
      checks.readableFileIfSet(prefix + ".sslcert", sslCert);
      checks.readableFileIfSet(prefix + ".sslkey", sslKey);
      checks.readableFileIfSet(prefix + ".sslcrl", sslCrl);
      checks.directoryIfSet(prefix + ".sslcrldir", sslCrlDir);
      oneOf(checks, prefix + ".gssencmode", gssEncMode, NEGOTIATED);
      oneOf(checks, prefix + ".channel_binding", channelBinding, NEGOTIATED);
      if (requireAuth != null) {
        for (String method : requireAuth.split(",", -1)) {
          String m = method.strip();
          if (!AUTH_METHODS.contains(m.startsWith("!") ? m.substring(1) : m)) {
            checks.problem(
                prefix
                    + ".require_auth ("
                    + requireAuth
                    + ") must list methods of "
                    + new TreeSet<>(AUTH_METHODS)
                    + ", each optionally negated with '!'");
            break;
          }
        }
      }
      return new ConnectionSecurity(
          mode,
          sslRootCert,
          sslCert,
          sslKey,
          sslCrl,
          sslCrlDir,
          gssEncMode,
          channelBinding,
          requireAuth);
    }

    private static void oneOf(ConfigChecks checks, String key, String value, Set<String> allowed) {
      if (value != null && !allowed.contains(value)) {
        checks.problem(key + " (" + value + ") must be one of " + new TreeSet<>(allowed));
      }
    }
  }
}
