package io.pgha.spring.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The etcd of the cluster ({@code pgha.etcd.*}), shared by the DataSource's topology watch and the
 * embedded agent: Patroni's {@code etcd3} section plus the cluster's {@code scope} and {@code
 * namespace}.
 *
 * <p>The older per-component names ({@code pgha.datasource.etcd-endpoints}, {@code
 * pgha.datasource.scope}, {@code pgha.datasource.namespace}, {@code pgha.agent.etcd-*}, {@code
 * pgha.agent.scope}, {@code pgha.agent.namespace}) still work but are deprecated: each applies only
 * where its {@code pgha.etcd.*} counterpart is not set.
 */
@ConfigurationProperties(prefix = "pgha.etcd")
public class PghaEtcdProperties {

  /** The namespace used when none is set: Patroni's. */
  public static final String DEFAULT_NAMESPACE = "/service";

  /** etcd client URLs like http://10.0.0.1:2379 (Patroni's etcd3.hosts with its protocol). */
  private List<String> endpoints = new ArrayList<>();

  /** The cluster name (Patroni's scope). */
  private String scope;

  /** The etcd prefix of the cluster's keys (Patroni's namespace); default /service. */
  private String namespace;

  /** etcd user, when etcd authentication is on. */
  private String username;

  /** etcd password; never logged. */
  private String password;

  /** PEM file of the CA that signed etcd's certificates; https endpoints need it. */
  private Path cacert;

  /** PEM client certificate, for etcd's client-certificate authentication. */
  private Path cert;

  /** PEM (PKCS#8) private key of the client certificate. */
  private Path key;

  /** A value and the property it came from, so that a bad value is reported under its name. */
  public record Setting<T>(String property, T value) {}

  /** The endpoints: {@code pgha.etcd.endpoints}, else the first deprecated list that is set. */
  @SafeVarargs
  public final Setting<List<String>> endpoints(Setting<List<String>>... deprecated) {
    return resolve(new Setting<>("pgha.etcd.endpoints", endpoints), deprecated);
  }

  /** The scope: {@code pgha.etcd.scope}, else the first deprecated one that is set. */
  @SafeVarargs
  public final Setting<String> scope(Setting<String>... deprecated) {
    return resolve(new Setting<>("pgha.etcd.scope", scope), deprecated);
  }

  /** The namespace: {@code pgha.etcd.namespace}, else a deprecated one, else {@code /service}. */
  @SafeVarargs
  public final Setting<String> namespace(Setting<String>... deprecated) {
    Setting<String> s = resolve(new Setting<>("pgha.etcd.namespace", namespace), deprecated);
    return s.value() == null ? new Setting<>("pgha.etcd.namespace", DEFAULT_NAMESPACE) : s;
  }

  /** The user: {@code pgha.etcd.username}, else the first deprecated one that is set. */
  @SafeVarargs
  public final Setting<String> username(Setting<String>... deprecated) {
    return resolve(new Setting<>("pgha.etcd.username", username), deprecated);
  }

  /** The password: {@code pgha.etcd.password}, else the first deprecated one that is set. */
  @SafeVarargs
  public final Setting<String> password(Setting<String>... deprecated) {
    return resolve(new Setting<>("pgha.etcd.password", password), deprecated);
  }

  private static <T> Setting<T> resolve(Setting<T> own, Setting<T>[] deprecated) {
    if (isSet(own.value())) {
      return own;
    }
    for (Setting<T> old : deprecated) {
      if (isSet(old.value())) {
        return old;
      }
    }
    return own;
  }

  private static boolean isSet(Object value) {
    return value != null && !(value instanceof Collection<?> c && c.isEmpty());
  }

  public List<String> getEndpoints() {
    return endpoints;
  }

  public void setEndpoints(List<String> endpoints) {
    this.endpoints = endpoints;
  }

  public String getScope() {
    return scope;
  }

  public void setScope(String scope) {
    this.scope = scope;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

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

  public Path getCacert() {
    return cacert;
  }

  public void setCacert(Path cacert) {
    this.cacert = cacert;
  }

  public Path getCert() {
    return cert;
  }

  public void setCert(Path cert) {
    this.cert = cert;
  }

  public Path getKey() {
    return key;
  }

  public void setKey(Path key) {
    this.key = key;
  }
}
