package io.pgha.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;
import io.pgha.patroni.Role;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Patroni's {@code restapi.allowlist_include_members}: unsafe methods are allowed from the hosts of
 * the members' {@code api_url}, as the members in etcd change, over real HTTP from 127.0.0.1.
 */
class MemberAllowlistTest {
  private final RecordingActions actions = new RecordingActions();
  private final AtomicReference<ClusterView> view = new AtomicReference<>();

  @Test
  void membersApiHostsAreAllowedAsTheyChange() throws Exception {
    // Every member's API elsewhere: 127.0.0.1 is neither listed nor a member.
    view.set(viewWithApiHosts("192.0.2.10", "192.0.2.11"));
    try (PghaApiServer api = start(List.of("198.51.100.0/24"), true)) {
      Http http = new Http(api.baseUrl());
      assertRefused(http.send("POST", "/reload", (String) null));
      assertThat(actions.calls).isEmpty();

      // A member joins whose API host is this client's address: allowed from the next request.
      view.set(viewWithApiHosts("192.0.2.10", "127.0.0.1"));
      assertThat(http.send("POST", "/reload", (String) null).statusCode()).isEqualTo(202);
      assertThat(actions.calls).containsExactly("reload");

      // It leaves: refused again.
      view.set(viewWithApiHosts("192.0.2.10"));
      assertRefused(http.send("POST", "/reload", (String) null));
      // Host names are resolved, as Patroni does.
      view.set(viewWithApiHosts("localhost"));
      assertThat(http.send("POST", "/reload", (String) null).statusCode()).isEqualTo(202);
      // Reads are never limited.
      view.set(viewWithApiHosts("192.0.2.10"));
      assertThat(http.get("/patroni").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anEmptyAllowlistWithMembersAllowsTheMembersOnlyAsPatroni() throws Exception {
    view.set(viewWithApiHosts("192.0.2.10"));
    try (PghaApiServer api = start(List.of(), true)) {
      assertRefused(new Http(api.baseUrl()).send("POST", "/reload", (String) null));
    }
    // Without the key, an empty allow-list allows everyone (the default, unchanged).
    try (PghaApiServer api = start(List.of(), false)) {
      assertThat(new Http(api.baseUrl()).send("POST", "/reload", (String) null).statusCode())
          .isEqualTo(202);
    }
  }

  private PghaApiServer start(List<String> allowlist, boolean includeMembers) {
    return PghaApiServer.start(
        ApiConfig.builder()
            .listen("127.0.0.1", 0)
            .allowlist(allowlist)
            .allowlistIncludeMembers(includeMembers)
            .build(),
        () -> Snapshots.leader(view.get()),
        null,
        actions,
        Clock.systemUTC(),
        () -> Snapshots.NOW);
  }

  private static ClusterView viewWithApiHosts(String... hosts) {
    ClusterView.Builder b = Snapshots.asyncView().toBuilder().clearMembers();
    int port = 28008;
    for (String host : hosts) {
      String name = "pg-test-" + port;
      b.member(
          Member.builder(name)
              .apiUrl("http://" + host + ":" + port++ + "/patroni")
              .connUrl("postgres://" + host + ":5432/postgres")
              .state("running")
              .role(Role.REPLICA)
              .build());
    }
    return b.build();
  }

  /** The answer Patroni gives a client outside the allow-list. */
  private static void assertRefused(HttpResponse<String> r) {
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("Access is denied");
  }
}
