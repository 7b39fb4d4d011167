package io.pgha.core.dcs;

import static io.pgha.core.dcs.EtcdCalls.bytes;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Context;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of {@code EtcdCallCostRun}: one pgha etcd client (built by {@link EtcdClients},
 * with pgha's {@link KeepAliveStream}) making, phase after phase, one kind of the calls an idle
 * agent makes at an idle agent's pace, and printing what each phase cost this process in CPU. In
 * this package to call pgha's own code for each call, as the agent does.
 *
 * <p>Arguments: endpoints (comma-separated), warm-up seconds, window seconds per phase, calls per
 * second ({@code -Dcallcost.rate} overrides it), phases (comma-separated): {@code idle} (no call:
 * what the pace itself costs), {@code keepalive}, {@code get}, {@code prefix}, {@code txn}, {@code
 * mix} (the four in turn), and two that show where a call's time goes: {@code rawget} (the get on
 * etcd's KV stub over jetcd's channel, without jetcd's executor, retry and conversions) and {@code
 * handover} (no call: a task on the client's event loop completing what the caller waits on).
 * {@code -Dcallcost.lb} replaces pgha's load-balancing policy, {@code -Dcallcost.executor=direct}
 * jetcd's executor.
 */
public final class EtcdCallCostMain {
  private static final Duration TIMEOUT = Duration.ofSeconds(4);
  private static final Duration SETTLE = Duration.ofSeconds(3);

  private EtcdCallCostMain() {}

  /** One call of a kind, made as the agent makes it; throws if etcd did not answer as expected. */
  private interface Call {
    void make() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    List<String> endpoints = List.of(args[0].split(","));
    Duration warmUp = Duration.ofSeconds(Long.parseLong(args[1]));
    Duration window = Duration.ofSeconds(Long.parseLong(args[2]));
    double rate = Double.parseDouble(System.getProperty("callcost.rate", args[3]));
    List<String> phases = List.of(args[4].split(","));
    EtcdDcsConfig config =
        EtcdDcsConfig.builder()
            .endpoints(endpoints)
            .scope("cost")
            .memberName("cost-1")
            .ttl(Duration.ofSeconds(10))
            .requestTimeout(TIMEOUT)
            .build();
    KeepAliveStream stream = new KeepAliveStream(TIMEOUT.toNanos());
    // A second capture of the channel, for the phase that calls etcd's KV service directly (as
    // pgha's keep-alive stream does), without jetcd's layers.
    Channel[] channel = {null};
    CallCredentials[] credentials = {null};
    ClientBuilder b =
        EtcdClients.builder(config)
            .interceptor(stream.capture())
            .interceptor(
                new ClientInterceptor() {
                  @Override
                  public <Q, A> ClientCall<Q, A> interceptCall(
                      MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
                    if (credentials[0] == null) {
                      credentials[0] = options.getCredentials();
                    }
                    if (channel[0] == null) {
                      channel[0] = next;
                    }
                    return next.newCall(method, options);
                  }
                });
    String lb = System.getProperty("callcost.lb");
    if (lb != null) {
      b.loadBalancerPolicy(lb);
    }
    if ("direct".equals(System.getProperty("callcost.executor"))) {
      // jetcd starts each call on its executor: here on the caller's thread instead of a pool's.
      b.executorService(com.google.common.util.concurrent.MoreExecutors.newDirectExecutorService());
    }
    try (Client client = b.build()) {
      EtcdKv kv = new EtcdKv(client.getKVClient(), TIMEOUT);
      String member = "/service/cost/members/cost-1";
      String leader = "/service/cost/leader";
      long lease =
          EtcdCalls.await(client.getLeaseClient().grant(600), TIMEOUT, "granting a lease").getID();
      kv.put(member, "{\"role\":\"primary\",\"state\":\"running\"}", lease);
      kv.put(leader, "cost-1", lease);
      ByteSequence leaderKey = bytes(leader);
      ByteSequence me = bytes("cost-1");
      ByteSequence prefix = bytes("/service/cost/");
      GetOption newest =
          GetOption.builder()
              .isPrefix(true)
              .withKeysOnly(true)
              .withSortField(GetOption.SortTarget.MOD)
              .withSortOrder(GetOption.SortOrder.DESCEND)
              .withLimit(1)
              .build();
      Map<String, Call> calls = new LinkedHashMap<>();
      calls.put(
          "keepalive",
          () -> {
            if (!stream.ready()) {
              throw new IllegalStateException("the keep-alive stream has no channel");
            }
            long ttl =
                EtcdCalls.await(stream.keepAlive(lease, System.nanoTime()), TIMEOUT, "keep-alive")
                    .getTTL();
            check(ttl > 0, "keep-alive ttl " + ttl);
          });
      calls.put("get", () -> check(kv.get(leader).getCount() == 1, "leader key missing"));
      calls.put(
          "prefix",
          () ->
              check(
                  EtcdCalls.await(client.getKVClient().get(prefix, newest), TIMEOUT, "newest")
                          .getCount()
                      == 2,
                  "prefix count"));
      // The leader's renewal: the key still ours, then written again on the lease.
      calls.put(
          "txn",
          () ->
              check(
                  kv.txn(
                          "renewing",
                          new Cmp[] {new Cmp(leaderKey, Cmp.Op.EQUAL, CmpTarget.value(me))},
                          new Op[] {Op.put(leaderKey, me, EtcdKv.onLease(lease))},
                          new Op[0])
                      .isSucceeded(),
                  "renewal refused"));
      RangeRequest leaderRange =
          RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(leader)).build();
      Call[] all = calls.values().toArray(Call[]::new);
      calls.put(
          "rawget",
          () -> {
            CompletableFuture<RangeResponse> answer = new CompletableFuture<>();
            KVGrpc.KVStub stub = KVGrpc.newStub(channel[0]).withExecutor(Runnable::run);
            if (credentials[0] != null) {
              stub = stub.withCallCredentials(credentials[0]);
            }
            stub.range(
                leaderRange,
                new StreamObserver<>() {
                  @Override
                  public void onNext(RangeResponse r) {
                    answer.complete(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
            check(EtcdCalls.await(answer, TIMEOUT, "raw get").getCount() == 1, "raw get");
          });
      int[] next = {0};
      calls.put("mix", () -> all[next[0]++ % all.length].make());
      calls.put("idle", () -> {});
      // No call at all: a task handed to the client's event loop that completes a future the
      // caller waits on (the hand-over and wake-up every call has at least twice).
      Context loop = b.vertx().getOrCreateContext();
      calls.put(
          "handover",
          () -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            loop.runOnContext(v -> done.complete(null));
            EtcdCalls.await(done, TIMEOUT, "hand-over");
          });

      run(calls.get("mix"), rate, warmUp);
      System.out.printf(
          "PHASES rate=%.1f/s window=%ds lb=%s autoflowcontrol=%s%n",
          rate,
          window.toSeconds(),
          lb == null ? "(pgha's)" : lb,
          System.getenv().getOrDefault("GRPC_EXPERIMENTAL_AUTOFLOWCONTROL", "(unset)"));
      for (String phase : phases) {
        Call call = calls.get(phase);
        if (call == null) {
          throw new IllegalArgumentException("phase (" + phase + ") unknown");
        }
        run(call, rate, SETTLE);
        Map<String, Long> before = cpu();
        int made = run(call, rate, window);
        Map<String, Long> spent = new LinkedHashMap<>();
        cpu().forEach((k, v) -> spent.put(k, v - before.getOrDefault(k, 0L)));
        StringBuilder line =
            new StringBuilder(
                "RESULT phase=" + phase + " calls=" + (phase.equals("idle") ? 0 : made));
        line.append(" seconds=").append(window.toSeconds());
        spent.forEach((k, v) -> line.append(' ').append(k).append("_us=").append(v / 1000));
        System.out.println(line);
      }
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  /** Makes {@code call} {@code rate} times a second for {@code d}; returns how many. */
  private static int run(Call call, double rate, Duration d) throws Exception {
    long period = (long) (TimeUnit.SECONDS.toNanos(1) / rate);
    long start = System.nanoTime();
    long end = start + d.toNanos();
    int made = 0;
    for (long at = start; at < end; at += period) {
      long wait;
      while ((wait = at - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      call.make();
      made++;
    }
    long wait;
    while ((wait = end - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
    return made;
  }

  /**
   * CPU used so far: the whole process (from /proc, 10 ms ticks: with the JIT and the collector)
   * and the Java threads by group (ThreadMXBean, nanoseconds).
   */
  private static Map<String, Long> cpu() throws Exception {
    Map<String, Long> m = new LinkedHashMap<>();
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    m.put("process", (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L);
    m.put("processsys", Long.parseLong(f[12]) * 10_000_000L);
    // The kernel's share of the event loop (system calls, loopback TCP): 10 ms ticks.
    try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String t = Files.readString(task.resolve("stat"));
          if (t.substring(t.indexOf('(') + 1, t.lastIndexOf(')')).startsWith("vert.x-eventloo")) {
            String[] tf = t.substring(t.lastIndexOf(')') + 2).split(" ");
            m.merge("eventloopsys", Long.parseLong(tf[12]) * 10_000_000L, Long::sum);
          }
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long ns = threads.getThreadCpuTime(info.getThreadId());
      if (ns < 0) {
        continue;
      }
      String name = info.getThreadName();
      String group =
          name.startsWith("vert.x-eventloop")
              ? "eventloop"
              : name.startsWith("jetcd-pool")
                  ? "jetcdpool"
                  : name.equals("main") ? "main" : "other";
      m.merge(group, ns, Long::sum);
    }
    return m;
  }
}
