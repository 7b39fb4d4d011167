package io.pgha.core.api;

import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The unsafe endpoints. Each one validates everything before it changes anything: a request that
 * gets a 4xx has written nothing. Configuration and switchover requests go to etcd by
 * compare-and-swap; the rest are handed to the agent through {@link ManagementActions}.
 */
final class ManagementEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementEndpoints.class);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private final String member;
  private final Optional<Dcs> dcs;
  private final ManagementActions actions;
  private final ApiConfig config;
  private final Clock wallClock;
  private final LongSupplier nanoTime;

  ManagementEndpoints(
      String member,
      Optional<Dcs> dcs,
      ManagementActions actions,
      ApiConfig config,
      Clock wallClock,
      LongSupplier nanoTime) {
    this.member = member;
    this.dcs = dcs;
    this.actions = actions;
    this.config = config;
    this.wallClock = wallClock;
    this.nanoTime = nanoTime;
  }

  // ------------------------------------------------------------------ config

  void patchConfig(ApiExchange ex) throws RequestRefusedException {
    ObjectNode patch = Json.requestObject(body(ex, true), false);
    Dcs d = requireDcs();
    ClusterView view = refresh(d);
    if (view.config().isEmpty()) {
      throw new RequestRefusedException(
          503, "the config key does not exist in etcd yet; create it with PUT /config");
    }
    ObjectNode data = ConfigEdit.toJson(view.config().get());
    boolean changed = ConfigEdit.merge(data, patch);
    DynamicConfig next = ConfigEdit.validate(data);
    ConfigEdit.timingWarning(next).ifPresent(w -> LOG.warn("[{}] PATCH /config: {}", member, w));
    if (changed) {
      if (!write(() -> d.writeConfig(next, view.configModRevision()))) {
        throw new RequestRefusedException(
            409,
            "the configuration changed in etcd while this request was applied (mod revision "
                + view.configModRevision()
                + "); read it again and retry");
      }
      LOG.info("[{}] configuration changed through the API: {}", member, patch.propertyNames());
    }
    Exchanges.json(ex, 200, ConfigEdit.toJson(next));
  }

  void putConfig(ApiExchange ex) throws RequestRefusedException {
    ObjectNode body = Json.requestObject(body(ex, true), false);
    DynamicConfig next = ConfigEdit.validate(body);
    ConfigEdit.timingWarning(next).ifPresent(w -> LOG.warn("[{}] PUT /config: {}", member, w));
    Dcs d = requireDcs();
    ClusterView view = refresh(d);
    if (!view.config().equals(Optional.of(next))) {
      write(() -> d.writeConfig(next, Dcs.ANY));
      LOG.info("[{}] configuration replaced through the API", member);
    }
    Exchanges.json(ex, 200, ConfigEdit.toJson(next));
  }

  // ------------------------------------------------------------------ switchover

  void switchover(ApiExchange ex, SwitchoverRules.Action asked) throws RequestRefusedException {
    ObjectNode body = Json.requestObject(body(ex, true), false);
    Dcs d = requireDcs();
    ClusterView view = refresh(d);
    SwitchoverRules.Accepted accepted =
        SwitchoverRules.check(asked, body, view, OffsetDateTime.now(wallClock));
    FailoverRequest request = accepted.request();
    LOG.info(
        "[{}] {} requested through the API: leader={} candidate={} scheduled_at={}",
        member,
        accepted.action().word(),
        request.leader().orElse("-"),
        request.candidate().orElse("-"),
        request.scheduledAt().map(Object::toString).orElse("now"));
    // As patronictl: a new request replaces an older one.
    if (!write(() -> d.writeFailover(request, Dcs.ANY))) {
      throw new RequestRefusedException(503, "failed to write failover key into DCS");
    }
    if (accepted.scheduled()) {
      Exchanges.text(ex, 202, accepted.action().title() + " scheduled");
      return;
    }
    Outcome outcome =
        awaitNewLeader(
            d, view.leader().map(l -> l.name()), request.candidate(), accepted.action(), view);
    String message = outcome.message();
    long lacking =
        view.leader().isPresent()
            ? 0
            : request
                .candidate()
                .flatMap(view::member)
                .map(m -> SwitchoverRules.lag(m, view))
                .orElse(0L);
    if (outcome.status() == 200 && lacking > 0) {
      // Forced onto a member that lacked WAL: say so where the operator looks.
      message +=
          ", which lacked about "
              + lacking
              + " bytes of WAL the previous leader had written: those changes are lost";
      LOG.warn("[{}] {}", member, message);
    }
    Exchanges.text(ex, outcome.status(), message);
  }

  void cancelSwitchover(ApiExchange ex) throws RequestRefusedException {
    Dcs d = requireDcs();
    ClusterView view = refresh(d);
    Optional<FailoverRequest> scheduled = view.failover().filter(f -> f.scheduledAt().isPresent());
    if (scheduled.isEmpty()) {
      Exchanges.text(ex, 404, "no switchover is scheduled");
      return;
    }
    if (!write(() -> d.clearFailover(scheduled.get().modRevision()))) {
      throw new RequestRefusedException(
          409, "the failover key changed in etcd while this request was applied; retry");
    }
    LOG.info("[{}] scheduled switchover deleted through the API", member);
    Exchanges.text(ex, 200, "scheduled switchover deleted");
  }

  private record Outcome(int status, String message) {}

  /** Patroni's {@code poll_failover_result}, on the watch-fed view. */
  private Outcome awaitNewLeader(
      Dcs d,
      Optional<String> oldLeader,
      Optional<String> candidate,
      SwitchoverRules.Action action,
      ClusterView before) {
    Duration wait =
        config
            .switchoverWait()
            .orElse(Duration.ofSeconds(2L * Math.max(10, before.effectiveConfig().loopWait())));
    long deadline = nanoTime.getAsLong() + wait.toNanos();
    boolean seenRequest = false;
    while (nanoTime.getAsLong() - deadline < 0) {
      ClusterView v = d.view();
      Optional<String> leader = v.leader().map(l -> l.name());
      if (leader.isPresent() && !leader.equals(oldLeader)) {
        if (candidate.isEmpty() || candidate.equals(leader)) {
          return new Outcome(
              200, "Successfully " + action.past() + " over to \"" + leader.get() + "\"");
        }
        return new Outcome(
            200,
            capitalized(action.past())
                + " over to \""
                + leader.get()
                + "\" instead of \""
                + candidate.get()
                + "\"");
      }
      if (v.failover().isPresent()) {
        seenRequest = true;
      } else if (seenRequest) {
        return new Outcome(503, action.title() + " failed");
      }
      LockSupport.parkNanos(POLL_INTERVAL.toNanos());
    }
    return new Outcome(503, action.title() + " status unknown");
  }

  // ------------------------------------------------------------------ agent actions

  void restart(ApiExchange ex) throws RequestRefusedException {
    ObjectNode body = Json.requestObject(orEmptyObject(body(ex, false)), true);
    boolean paused = dcs.map(Dcs::view).map(ClusterView::isPaused).orElse(false);
    RestartRequest request =
        ManagementRequests.restart(body, OffsetDateTime.now(wallClock), paused);
    reply(ex, "restart", actions.restart(request));
  }

  void cancelRestart(ApiExchange ex) {
    reply(ex, "cancel scheduled restart", actions.cancelScheduledRestart());
  }

  void reload(ApiExchange ex) {
    reply(ex, "reload", actions.reload());
  }

  void reinitialize(ApiExchange ex) throws RequestRefusedException {
    ObjectNode body = Json.requestObject(orEmptyObject(body(ex, false)), true);
    boolean force = ManagementRequests.flag(body, "force");
    boolean fromLeader = ManagementRequests.flag(body, "from_leader");
    reply(ex, "reinitialize", actions.reinitialize(force, fromLeader));
  }

  void failsafe(ApiExchange ex) throws RequestRefusedException {
    if (!actions.failsafeModeEnabled()) {
      Exchanges.text(ex, 502, "failsafe mode is not enabled");
      return;
    }
    FailsafeRequest request =
        ManagementRequests.failsafe(Json.requestObject(body(ex, true), false));
    FailsafeAnswer answer = actions.failsafeHeartbeat(request);
    if (answer.accepted()) {
      answer.lsn().ifPresent(lsn -> ex.setResponseHeader("lsn", Long.toString(lsn)));
      Exchanges.text(ex, 200, answer.message());
    } else {
      Exchanges.text(ex, 409, answer.message());
    }
  }

  // ------------------------------------------------------------------ helpers

  private void reply(ApiExchange ex, String what, ActionResult result) {
    ActionResult r = result == null ? ActionResult.failed("the agent gave no answer") : result;
    LOG.info("[{}] {} through the API: {} ({})", member, what, r.outcome(), r.message());
    Exchanges.text(ex, r.outcome().httpStatus(), r.message());
  }

  private String body(ApiExchange ex, boolean required) throws RequestRefusedException {
    return Exchanges.body(ex, required, config.maxBodyBytes());
  }

  private static String orEmptyObject(String body) {
    return body.isBlank() ? "{}" : body;
  }

  private Dcs requireDcs() throws RequestRefusedException {
    return dcs.orElseThrow(
        () -> new RequestRefusedException(503, "this API has no etcd connection to write to"));
  }

  private ClusterView refresh(Dcs d) throws RequestRefusedException {
    try {
      return d.refresh();
    } catch (DcsException e) {
      throw new RequestRefusedException(503, "etcd is not reachable: " + e.getMessage());
    }
  }

  private interface DcsWrite {
    boolean run() throws DcsException;
  }

  private boolean write(DcsWrite w) throws RequestRefusedException {
    try {
      return w.run();
    } catch (DcsException e) {
      throw new RequestRefusedException(503, "etcd is not reachable: " + e.getMessage());
    }
  }

  private static String capitalized(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
