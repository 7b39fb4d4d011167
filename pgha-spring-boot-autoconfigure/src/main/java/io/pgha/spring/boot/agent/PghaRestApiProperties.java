package io.pgha.spring.boot.agent;

import io.pgha.core.config.ClientCertificates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may use the embedded agent's HTTP API ({@code pgha.agent.rest-api.*}): Patroni's {@code
 * restapi.authentication}, {@code allowlist}, TLS and client certificates. An API that listens
 * beyond loopback ({@code pgha.agent.rest-api-listen}) without a username and password (or required
 * client certificates) stops the application from starting, unless {@code
 * allow-unauthenticated-unsafe-methods} is set.
 */
public class PghaRestApiProperties {

  /**
   * User name that switchover, restart, reinitialize and configuration changes require (Basic
   * authentication); every member and patronictl use the same.
   */
  private String username;

  /** Password of rest-api.username; never logged. */
  private String password;

  /**
   * Addresses, CIDR ranges or host names allowed to use the unsafe methods; empty allows any client
   * that authenticates.
   */
  private List<String> allowlist = new ArrayList<>();

  /** PEM certificate chain the API serves HTTPS with. */
  private Path certfile;

  /** Unencrypted PKCS#8 PEM private key of rest-api.certfile. */
  private Path keyfile;

  /** PKCS#12 key store the API serves HTTPS with, instead of certfile and keyfile. */
  private Path keystore;

  /** Password of rest-api.keystore; never logged. */
  private String keystorePassword;

  /**
   * PEM CA certificates client certificates are verified against, and the peers' API certificates
   * when this member calls them.
   */
  private Path cafile;

  /** Whether clients must present a certificate signed by rest-api.cafile. */
  private ClientCertificates verifyClient = ClientCertificates.NONE;

  /**
   * Let the API listen beyond loopback without authentication, so that anyone who can reach it may
   * switch over, restart or reconfigure the cluster. The agent then warns at every start.
   */
  private boolean allowUnauthenticatedUnsafeMethods;

  /** Connections open at once; at the bound, the quietest waiting one goes. */
  private int maxConnections = io.pgha.core.config.RestApiSettings.DEFAULT_MAX_CONNECTIONS;

  /**
   * TLS 1.2 cipher suites the API accepts, separated by ':' (OpenSSL's names, as in Patroni, or
   * JSSE's); default: the JVM's.
   */
  private String ciphers;

  /** Headers added to every answer of the API. */
  private Map<String, String> httpExtraHeaders = new LinkedHashMap<>();

  /** Headers added to every answer when the API serves HTTPS (e.g. Strict-Transport-Security). */
  private Map<String, String> httpsExtraHeaders = new LinkedHashMap<>();

  /**
   * Also allow the unsafe methods from the hosts of the API URLs the members publish in etcd (it
   * trusts whoever can write a member key: protect etcd with authentication).
   */
  private boolean allowlistIncludeMembers;

  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }

  public List<String> getAllowlist() {
    return allowlist;
  }

  public void setAllowlist(List<String> allowlist) {
    this.allowlist = allowlist;
  }

  public Path getCertfile() {
    return certfile;
  }

  public void setCertfile(Path certfile) {
    this.certfile = certfile;
  }

  public Path getKeyfile() {
    return keyfile;
  }

  public void setKeyfile(Path keyfile) {
    this.keyfile = keyfile;
  }

  public Path getKeystore() {
    return keystore;
  }

  public void setKeystore(Path keystore) {
    this.keystore = keystore;
  }

  public String getKeystorePassword() {
    return keystorePassword;
  }

  public void setKeystorePassword(String keystorePassword) {
    this.keystorePassword = keystorePassword;
  }

  public Path getCafile() {
    return cafile;
  }

  public void setCafile(Path cafile) {
    this.cafile = cafile;
  }

  public ClientCertificates getVerifyClient() {
    return verifyClient;
  }

  public void setVerifyClient(ClientCertificates verifyClient) {
    this.verifyClient = verifyClient;
  }

  public boolean isAllowUnauthenticatedUnsafeMethods() {
    return allowUnauthenticatedUnsafeMethods;
  }

  public void setAllowUnauthenticatedUnsafeMethods(boolean allowUnauthenticatedUnsafeMethods) {
    this.allowUnauthenticatedUnsafeMethods = allowUnauthenticatedUnsafeMethods;
  }

  public int getMaxConnections() {
    return maxConnections;
  }

  public void setMaxConnections(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  public String getCiphers() {
    return ciphers;
  }

  public void setCiphers(String ciphers) {
    this.ciphers = ciphers;
  }

  public Map<String, String> getHttpExtraHeaders() {
    return httpExtraHeaders;
  }

  public void setHttpExtraHeaders(Map<String, String> httpExtraHeaders) {
    this.httpExtraHeaders = httpExtraHeaders;
  }

  public Map<String, String> getHttpsExtraHeaders() {
    return httpsExtraHeaders;
  }

  public void setHttpsExtraHeaders(Map<String, String> httpsExtraHeaders) {
    this.httpsExtraHeaders = httpsExtraHeaders;
  }

  public boolean isAllowlistIncludeMembers() {
    return allowlistIncludeMembers;
  }

  public void setAllowlistIncludeMembers(boolean allowlistIncludeMembers) {
    this.allowlistIncludeMembers = allowlistIncludeMembers;
  }

  @Override
  public String toString() {
    return "PghaRestApiProperties[username="
        + username
        + ", password="
        + (password == null ? "none" : "****")
        + ", allowlist="
        + allowlist
        + ", certfile="
        + certfile
        + ", keystore="
        + keystore
        + ", cafile="
        + cafile
        + ", verifyClient="
        + verifyClient
        + ", allowUnauthenticatedUnsafeMethods="
        + allowUnauthenticatedUnsafeMethods
        + "]";
  }
}
