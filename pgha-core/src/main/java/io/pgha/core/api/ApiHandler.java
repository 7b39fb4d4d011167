package io.pgha.core.api;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.PatroniCodec;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every request. Reads are answered from a fresh {@link NodeSnapshot}; unsafe methods pass
 * {@link AccessControl} first and go to {@link ManagementEndpoints}. Whatever happens, the client
 * gets a status and a reason: never a 500 and never a dropped exchange.
 */
final class ApiHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  /** Unsafe endpoints and the methods each accepts. */
  private static final Map<String, Set<String>> UNSAFE =
      Map.of(
          "/config", Set.of("PATCH", "PUT"),
          "/switchover", Set.of("POST", "DELETE"),
          "/failover", Set.of("POST"),
          "/restart", Set.of("POST", "DELETE"),
          "/reload", Set.of("POST"),
          "/reinitialize", Set.of("POST"),
          "/failsafe", Set.of("POST"));

  private final String member;
  private final Supplier<NodeSnapshot> snapshots;
  private final AccessControl access;
  private final ManagementEndpoints management;
  private final LongSupplier nanoTime;

  ApiHandler(
      String member,
      Supplier<NodeSnapshot> snapshots,
      AccessControl access,
      ManagementEndpoints management,
      LongSupplier nanoTime) {
    this.member = member;
    this.snapshots = snapshots;
    this.access = access;
    this.management = management;
    this.nanoTime = nanoTime;
  }

  /** Answers one request; always replies, whatever goes wrong. */
  void handle(ApiExchange ex) {
    String method = ex.method();
    String path = path(ex);
    try {
      switch (method) {
        case "GET" -> get(ex, path);
        case "HEAD", "OPTIONS" -> statusOnly(ex, path);
        case "POST", "PUT", "PATCH", "DELETE" -> unsafe(ex, method, path);
        default -> Exchanges.text(ex, 501, "method " + method + " is not supported");
      }
    } catch (RequestRefusedException e) {
      LOG.debug("[{}] {} {}: {} {}", member, method, path, e.status(), e.getMessage());
      reply(ex, e.status(), e.getMessage());
    } catch (RuntimeException | Error e) {
      // A bug or a broken snapshot supplier: the client still gets an answer, the log the cause.
      LOG.warn("[{}] {} {} could not be handled", member, method, path, e);
      reply(ex, 503, "the request could not be handled; see the agent's log");
    } finally {
      // Every exchange ends with a reply, so its connection is never left waiting.
      reply(ex, 503, "the request was not answered; see the agent's log");
    }
  }

  // ------------------------------------------------------------------ reads

  private void get(ApiExchange ex, String path) throws RequestRefusedException {
    Optional<HealthEndpoint> health = HealthEndpoint.forPath(path);
    if (health.isPresent()) {
      HealthEndpoint e = health.get();
      NodeSnapshot s = snapshots.get();
      HealthVerdict v =
          HealthRules.evaluate(
              e, s, HealthQuery.parse(ex.uri().getRawQuery()), nanoTime.getAsLong());
      if (e == HealthEndpoint.LIVENESS || e == HealthEndpoint.READINESS) {
        // Patroni answers its probes with a bare status line.
        Exchanges.statusOnly(ex, v.status());
      } else {
        Exchanges.json(ex, v.status(), StatusDocument.of(s, false));
      }
      return;
    }
    NodeSnapshot s = snapshots.get();
    ClusterView view = s.cluster();
    switch (path) {
      case "/patroni" -> Exchanges.json(ex, 200, StatusDocument.of(s, true));
      case "/cluster" -> Exchanges.json(ex, 200, ClusterDocument.cluster(s.scope(), view));
      case "/history" -> Exchanges.json(ex, 200, ClusterDocument.history(view));
      case "/config" -> {
        if (view.config().isEmpty()) {
          Exchanges.text(ex, 502, "the config key does not exist in etcd");
        } else {
          Exchanges.json(ex, 200, ConfigEdit.toJson(view.config().get()));
        }
      }
      case "/failsafe" -> {
        if (view.failsafe().isEmpty()) {
          Exchanges.text(ex, 502, "failsafe mode is not active");
        } else {
          Exchanges.json(ex, 200, Json.tree(PatroniCodec.encodeFailsafe(view.failsafe().get())));
        }
      }
      case "/metrics" -> Exchanges.send(ex, 200, Exchanges.METRICS, MetricsDocument.of(s));
      // Patroni answers any other GET like a failed health check, with the status document.
      default -> Exchanges.json(ex, 503, StatusDocument.of(s, false));
    }
  }

  /** HEAD and OPTIONS: the health check's status and nothing else (HAProxy's checks). */
  private void statusOnly(ApiExchange ex, String path) throws RequestRefusedException {
    Optional<HealthEndpoint> health =
        HealthEndpoint.forPath(path).filter(HealthEndpoint::answersHeadAndOptions);
    if (health.isEmpty()) {
      Exchanges.statusOnly(ex, 503);
      return;
    }
    HealthQuery query = HealthQuery.parse(ex.uri().getRawQuery());
    HealthVerdict v =
        HealthRules.evaluate(health.get(), snapshots.get(), query, nanoTime.getAsLong());
    Exchanges.statusOnly(ex, v.status());
  }

  // ------------------------------------------------------------------ writes

  private void unsafe(ApiExchange ex, String method, String path) throws RequestRefusedException {
    Set<String> allowed = UNSAFE.get(path);
    if (allowed == null) {
      Exchanges.text(ex, 404, "no endpoint " + path + " for " + method);
      return;
    }
    if (!allowed.contains(method)) {
      ex.setResponseHeader("Allow", String.join(", ", allowed));
      Exchanges.text(ex, 405, method + " is not allowed on " + path);
      return;
    }
    Optional<AccessControl.Refusal> refusal = access.check(ex, () -> snapshots.get().cluster());
    if (refusal.isPresent()) {
      AccessControl.Refusal r = refusal.get();
      LOG.info(
          "[{}] {} {} from {} refused: {} {}",
          member,
          method,
          path,
          ex.remoteAddress().getHostAddress(),
          r.status(),
          r.reason());
      if (r.status() == 401) {
        ex.setResponseHeader("WWW-Authenticate", AccessControl.REALM);
      }
      Exchanges.text(ex, r.status(), r.reason());
      return;
    }
    switch (method + " " + path) {
      case "PATCH /config" -> management.patchConfig(ex);
      case "PUT /config" -> management.putConfig(ex);
      case "POST /switchover" -> management.switchover(ex, SwitchoverRules.Action.SWITCHOVER);
      case "POST /failover" -> management.switchover(ex, SwitchoverRules.Action.FAILOVER);
      case "DELETE /switchover" -> management.cancelSwitchover(ex);
      case "POST /restart" -> management.restart(ex);
      case "DELETE /restart" -> management.cancelRestart(ex);
      case "POST /reload" -> management.reload(ex);
      case "POST /reinitialize" -> management.reinitialize(ex);
      case "POST /failsafe" -> management.failsafe(ex);
      default -> throw new IllegalStateException("unrouted " + method + " " + path);
    }
  }

  // ------------------------------------------------------------------ helpers

  private static String path(ApiExchange ex) {
    String p = ex.uri().getPath();
    if (p == null || p.isEmpty()) {
      return "/";
    }
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  private static void reply(ApiExchange ex, int status, String reason) {
    if (Exchanges.replied(ex)) {
      return;
    }
    String m = ex.method();
    if (m.equals("HEAD") || m.equals("OPTIONS")) {
      Exchanges.statusOnly(ex, status);
    } else {
      Exchanges.text(ex, status, reason);
    }
  }
}
