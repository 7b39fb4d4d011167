package io.pgha.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet's keys in etcd, under Patroni's default namespace: whether this generator's clusters
 * are free to use (no other generator's members live there), how many clusters and members of the
 * whole fleet (every generator with the same scope prefix) etcd holds, and the removal of this
 * generator's keys and leases after a cell, as an external etcd outlives the run.
 */
final class FleetKeys implements AutoCloseable {
  private static final String NAMESPACE = "/service/";
  private static final long TIMEOUT_SECONDS = 60;

  private final Client client;
  private final String scopePrefix;
  private final Pattern memberKey;

  /** The fleet's clusters and members as etcd held them at one instant. */
  record Count(int clusters, int members) {}

  FleetKeys(List<String> endpoints, String scopePrefix) {
    this.client =
        Client.builder()
            .endpoints(endpoints.toArray(String[]::new))
            .header("hasleader", "true")
            .build();
    this.scopePrefix = scopePrefix;
    this.memberKey =
        Pattern.compile("^" + Pattern.quote(NAMESPACE + scopePrefix) + "([0-9]+)/members/[^/]+$");
  }

  /** The clusters and members of every generator of the fleet, by their member keys. */
  Count count() {
    Set<String> clusters = new HashSet<>();
    int members = 0;
    for (KeyValue kv : keysUnder(NAMESPACE + scopePrefix)) {
      Matcher m = memberKey.matcher(key(kv));
      if (m.matches()) {
        clusters.add(m.group(1));
        members++;
      }
    }
    return new Count(clusters.size(), members);
  }

  /**
   * Makes {@code scopes} ready for a cell: refuses if any has a live member (another generator on
   * an overlapping range, or a run still going), else deletes what an earlier run left there.
   */
  void claim(List<String> scopes) {
    Set<String> mine = new HashSet<>(scopes);
    for (KeyValue kv : keysUnder(NAMESPACE + scopePrefix)) {
      Matcher m = memberKey.matcher(key(kv));
      if (m.matches() && mine.contains(scopePrefix + m.group(1))) {
        throw new IllegalStateException(
            "etcd holds a live member of cluster "
                + scopePrefix
                + m.group(1)
                + " ("
                + key(kv)
                + "): another generator runs with an overlapping fleet.cluster.offset, or one"
                + " was killed less than a ttl ago (its member keys expire with their leases)");
      }
    }
    delete(scopes);
  }

  /** Deletes every key of {@code scopes}. */
  void delete(List<String> scopes) {
    List<CompletableFuture<?>> deletes =
        scopes.stream()
            .<CompletableFuture<?>>map(
                s ->
                    client
                        .getKVClient()
                        .delete(bytes(prefix(s)), DeleteOption.builder().isPrefix(true).build()))
            .toList();
    await(CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)), "deleting keys");
  }

  /**
   * Revokes {@code leases} (the members' after they closed): left to expire, they would count as
   * expired leases in the window of the next cell or of another generator on the same etcd.
   */
  void revoke(List<Long> leases) {
    List<CompletableFuture<?>> revokes =
        leases.stream()
            .filter(id -> id != 0)
            .<CompletableFuture<?>>map(
                id -> client.getLeaseClient().revoke(id).exceptionally(gone -> null))
            .toList();
    await(CompletableFuture.allOf(revokes.toArray(CompletableFuture[]::new)), "revoking leases");
  }

  private List<KeyValue> keysUnder(String prefix) {
    return await(
            client
                .getKVClient()
                .get(bytes(prefix), GetOption.builder().isPrefix(true).withKeysOnly(true).build()),
            "reading the keys under " + prefix)
        .getKvs();
  }

  private static String prefix(String scope) {
    return NAMESPACE + scope + "/";
  }

  private static String key(KeyValue kv) {
    return kv.getKey().toString(StandardCharsets.UTF_8);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted " + what, e);
    } catch (Exception e) {
      throw new IllegalStateException(what + " in etcd: " + e, e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
