package io.pgha.core.ha;

import static io.pgha.core.ha.Given.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The role matrix at a glance: this member's PostgreSQL against who holds the leader key, with and
 * without pause (fresh view, live lease, no peers answering, primary_start_timeout 300 s).
 */
class DecisionTableTest {

  enum Postgres {
    PRIMARY,
    /** A replica streaming from pg-2. */
    REPLICA,
    /** Crashed 3 s ago (a replica's data). */
    DOWN_BRIEFLY,
    /** Crashed 400 s ago, longer than primary_start_timeout. */
    DOWN_LONG
  }

  @ParameterizedTest(name = "{0}, leader {1}, paused {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          PRIMARY      | pg-1 | false | [RENEW else [DEMOTE]]
          PRIMARY      | pg-2 | false | [REWIND_AND_FOLLOW(pg-2)]
          PRIMARY      |      | false | [ACQUIRE_LEADER]
          REPLICA      | pg-1 | false | [RENEW else [DEMOTE], PROMOTION_GATE else [RELEASE_LEADERSHIP], PROMOTE, DECIDE_AGAIN]
          REPLICA      | pg-2 | false | [NOTHING]
          REPLICA      |      | false | [ACQUIRE_LEADER, PROMOTION_GATE else [RELEASE_LEADERSHIP], PROMOTE, DECIDE_AGAIN]
          DOWN_BRIEFLY | pg-1 | false | [RENEW else [DEMOTE], RESTART_POSTGRES]
          DOWN_BRIEFLY | pg-2 | false | [START_AS_REPLICA(pg-2)]
          DOWN_BRIEFLY |      | false | [START_AS_REPLICA]
          DOWN_LONG    | pg-1 | false | [RELEASE_LEADERSHIP]
          DOWN_LONG    | pg-2 | false | [START_AS_REPLICA(pg-2)]
          DOWN_LONG    |      | false | [START_AS_REPLICA]
          PRIMARY      | pg-1 | true  | [RENEW else [DEMOTE]]
          PRIMARY      | pg-2 | true  | [NOTHING]
          PRIMARY      |      | true  | [ACQUIRE_LEADER]
          REPLICA      | pg-1 | true  | [RELEASE_LEADERSHIP]
          REPLICA      | pg-2 | true  | [NOTHING]
          REPLICA      |      | true  | [NOTHING]
          DOWN_BRIEFLY | pg-1 | true  | [RENEW else [DEMOTE]]
          DOWN_BRIEFLY | pg-2 | true  | [NOTHING]
          DOWN_BRIEFLY |      | true  | [NOTHING]
          DOWN_LONG    | pg-1 | true  | [RENEW else [DEMOTE]]
          DOWN_LONG    | pg-2 | true  | [NOTHING]
          DOWN_LONG    |      | true  | [NOTHING]
          """)
  void roleMatrix(Postgres postgres, String leader, boolean paused, String expected) {
    Given g = given().leader(leader).config(c -> c.pause(paused));
    switch (postgres) {
      case PRIMARY -> g.primary();
      case REPLICA -> g.local(l -> l.following("pg-2"));
      case DOWN_BRIEFLY -> g.down(3);
      case DOWN_LONG -> g.down(400);
    }

    Decision decision = g.decide();

    assertThat(decision.actions()).hasToString(expected);
    assertThat(decision.reason()).isNotBlank();
  }
}
