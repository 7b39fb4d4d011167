package io.pgha.core.dcs;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.pgha.patroni.DcsKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/** Members of one test cluster, each with its own etcd client; closes them all. */
final class Contenders implements AutoCloseable {
  private static final AtomicInteger SCOPES = new AtomicInteger();

  private final List<String> endpoints;
  private final String scope;
  private final Duration ttl;
  private final List<EtcdDcs> started = new ArrayList<>();

  private static volatile boolean warm;

  /**
   * Uses every kind of etcd call once with generous timeouts: the first use of each in a JVM loads
   * and initialises many classes, which on a busy 2-core machine can outlast a test's ttl.
   */
  private static synchronized void warmUp(List<String> endpoints, String user, String password) {
    if (warm) {
      return;
    }
    ClientBuilder builder = Client.builder().endpoints(endpoints.toArray(String[]::new));
    if (user != null) {
      builder
          .user(ByteSequence.from(user, StandardCharsets.UTF_8))
          .password(ByteSequence.from(password, StandardCharsets.UTF_8));
    }
    try (Client client = builder.build()) {
      ByteSequence key = ByteSequence.from("/warm-up", StandardCharsets.UTF_8);
      long lease = client.getLeaseClient().grant(2).get(30, TimeUnit.SECONDS).getID();
      client.getLeaseClient().keepAliveOnce(lease).get(30, TimeUnit.SECONDS);
      client
          .getKVClient()
          .txn()
          .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
          .Then(Op.put(key, key, PutOption.builder().withLeaseId(lease).build()))
          .Else(Op.get(key, GetOption.DEFAULT))
          .commit()
          .get(30, TimeUnit.SECONDS);
      client.getKVClient().get(key).get(30, TimeUnit.SECONDS);
      client.getLeaseClient().revoke(lease).get(30, TimeUnit.SECONDS);
      warm = true;
    } catch (Exception e) {
      throw new IllegalStateException("etcd at " + endpoints + " does not answer", e);
    }
  }

  private final String user;
  private final String password;

  Contenders(List<String> endpoints, Duration ttl) {
    this(endpoints, ttl, null, null);
  }

  Contenders(List<String> endpoints, Duration ttl, String user, String password) {
    this.user = user;
    this.password = password;
    warmUp(endpoints, user, password);
    this.endpoints = endpoints;
    this.scope = "test-" + SCOPES.incrementAndGet() + "-" + ProcessHandle.current().pid();
    this.ttl = ttl;
  }

  String scope() {
    return scope;
  }

  DcsKeys keys() {
    return new DcsKeys(DcsKeys.DEFAULT_NAMESPACE, scope);
  }

  EtcdDcsConfig.Builder config(String member) {
    EtcdDcsConfig.Builder b =
        EtcdDcsConfig.builder()
            .endpoints(endpoints)
            .scope(scope)
            .memberName(member)
            .ttl(ttl)
            // Generous: a cold JVM's first gRPC call can take a second; the lease deadline does
            // not depend on this.
            .requestTimeout(ttl.dividedBy(2));
    if (user != null) {
      b.credentials(user, password);
    }
    return b;
  }

  EtcdDcs start(String member) {
    return start(config(member).build());
  }

  EtcdDcs start(EtcdDcsConfig config) {
    EtcdDcs dcs = EtcdDcs.connect(config);
    synchronized (started) {
      started.add(dcs);
    }
    // The first call of a fresh client (connection, a cold JVM) can outlast a short timeout.
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> dcs.refresh() != null);
    return dcs;
  }

  List<EtcdDcs> start(int count, String prefix) {
    List<EtcdDcs> result = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      result.add(start(prefix + i));
    }
    return result;
  }

  @Override
  public void close() {
    synchronized (started) {
      started.forEach(EtcdDcs::close);
      started.clear();
    }
  }
}
