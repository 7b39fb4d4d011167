package io.pgha.spring.boot.agent;

import io.pgha.core.config.ConnectionSecurity;
import java.nio.file.Path;

/**
 * How one of the agent's roles connects to PostgreSQL ({@code pgha.agent.superuser-tls.*}, {@code
 * replication-tls.*}, {@code rewind-tls.*}; Patroni's {@code postgresql.authentication.<role>.ssl*}
 * keys): libpq's TLS and GSSAPI settings. Unset keys keep libpq's defaults.
 */
public class PghaConnectionTlsProperties {

  /** libpq sslmode: disable, allow, prefer (the default), require, verify-ca or verify-full. */
  private String sslmode;

  /** PEM file of the CA that signed the server's certificate. */
  private Path sslrootcert;

  /** PEM client certificate; needs sslkey. */
  private Path sslcert;

  /** Unencrypted PEM key of sslcert. */
  private Path sslkey;

  /** PEM certificate revocation list. */
  private Path sslcrl;

  /** Directory of certificate revocation lists. */
  private Path sslcrldir;

  /** libpq gssencmode: disable, prefer or require. */
  private String gssencmode;

  /** libpq channel_binding: disable, prefer or require. */
  private String channelBinding;

  /** libpq require_auth: accepted methods, comma-separated, each may start with '!'. */
  private String requireAuth;

  void applyTo(ConnectionSecurity.Builder tls) {
    if (sslmode != null) {
      tls.sslMode(sslmode);
    }
    if (sslrootcert != null) {
      tls.sslRootCert(sslrootcert);
    }
    if (sslcert != null || sslkey != null) {
      tls.clientCertificate(sslcert, sslkey);
    }
    if (sslcrl != null) {
      tls.sslCrl(sslcrl);
    }
    if (sslcrldir != null) {
      tls.sslCrlDir(sslcrldir);
    }
    if (gssencmode != null) {
      tls.gssEncMode(gssencmode);
    }
    if (channelBinding != null) {
      tls.channelBinding(channelBinding);
    }
    if (requireAuth != null) {
      tls.requireAuth(requireAuth);
    }
  }

  public String getSslmode() {
    return sslmode;
  }

  public void setSslmode(String sslmode) {
    this.sslmode = sslmode;
  }

  public Path getSslrootcert() {
    return sslrootcert;
  }

  public void setSslrootcert(Path sslrootcert) {
    this.sslrootcert = sslrootcert;
  }

  public Path getSslcert() {
    return sslcert;
  }

  public void setSslcert(Path sslcert) {
    this.sslcert = sslcert;
  }

  public Path getSslkey() {
    return sslkey;
  }

  public void setSslkey(Path sslkey) {
    this.sslkey = sslkey;
  }

  public Path getSslcrl() {
    return sslcrl;
  }

  public void setSslcrl(Path sslcrl) {
    this.sslcrl = sslcrl;
  }

  public Path getSslcrldir() {
    return sslcrldir;
  }

  public void setSslcrldir(Path sslcrldir) {
    this.sslcrldir = sslcrldir;
  }

  public String getGssencmode() {
    return gssencmode;
  }

  public void setGssencmode(String gssencmode) {
    this.gssencmode = gssencmode;
  }

  public String getChannelBinding() {
    return channelBinding;
  }

  public void setChannelBinding(String channelBinding) {
    this.channelBinding = channelBinding;
  }

  public String getRequireAuth() {
    return requireAuth;
  }

  public void setRequireAuth(String requireAuth) {
    this.requireAuth = requireAuth;
  }
}
