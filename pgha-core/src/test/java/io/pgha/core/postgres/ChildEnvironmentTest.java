package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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

  @Test
  void theProcessBuilderStartsScrubbed() {
    Map<String, String> env = ChildEnvironment.processBuilder(List.of("true")).environment();
    assertThat(env.keySet()).noneMatch(ChildEnvironment::isSecret);
    assertThat(env).containsKey("PATH");
  }

  /**
   * Every child pgha starts goes through {@link ChildEnvironment#processBuilder}: a {@code kill} or
   * an {@code id} started with the JVM's whole environment exposed its passwords as well as the
   * postmaster would (found by review: Signals and OsIdentity did).
   */
  @Test
  void noChildIsStartedAnotherWay() throws IOException {
    Path main = Path.of("src/main/java");
    try (Stream<Path> files = Files.walk(main)) {
      List<Path> offenders =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> !f.getFileName().toString().equals("ChildEnvironment.java"))
              .filter(f -> read(f).contains("new ProcessBuilder("))
              .toList();
      assertThat(offenders).isEmpty();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
