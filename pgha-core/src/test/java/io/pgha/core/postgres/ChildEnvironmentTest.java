package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildEnvironmentTest {
  @Test
  void secretsAreRemovedAndTheRestKept() {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "PATH", "/usr/bin",
                "PGPASSWORD", "a",
                "PATRONI_SUPERUSER_PASSWORD", "b",
                "PATRONI_SCOPE", "c",
                "PGHA_REST_API_PASSWORD", "d",
                "pgha_token", "e",
                "my_db_password", "f",
                "LANG", "C.UTF-8"));
    ChildEnvironment.scrub(env);
    assertThat(env).containsOnlyKeys("PATH", "LANG");
  }
}
