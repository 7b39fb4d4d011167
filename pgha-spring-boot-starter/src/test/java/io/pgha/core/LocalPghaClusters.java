package io.pgha.core;

/**
 * What Spring Boot tests need of a {@link LocalPghaCluster} beyond its public API: where its etcd
 * listens, its scope and the superuser's password (package-private in the test jar).
 */
public final class LocalPghaClusters {
  private LocalPghaClusters() {}

  /** The etcd client endpoint, like {@code http://127.0.0.1:23790}. */
  public static String etcdEndpoint(LocalPghaCluster cluster) {
    return cluster.etcd.clientEndpoints().get(0);
  }

  /** The cluster's scope. */
  public static String scope(LocalPghaCluster cluster) {
    return cluster.scope;
  }

  /** The base URL of a running member's HTTP API. */
  public static String apiBaseUrl(LocalPghaCluster.Node node) {
    return node.agent.apiBaseUrl();
  }

  /** The password of the {@code postgres} superuser of every member. */
  public static String superuserPassword() {
    return LocalPghaCluster.SUPERUSER_PASSWORD;
  }
}
