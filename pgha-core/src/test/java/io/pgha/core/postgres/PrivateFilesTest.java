package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files holding secrets are 0600 from their creation, and passwords reach tools in a file. */
class PrivateFilesTest {

  /**
   * A file left at the temporary name (here a link to a file others can read) is replaced, never
   * written through: the secret does not land where the link points.
   */
  @Test
  void aPrivateFileIsNeverWrittenThroughWhatIsAtItsTemporaryName(@TempDir Path dir)
      throws IOException {
    Path elsewhere = dir.resolve("world-readable.txt");
    Files.writeString(elsewhere, "");
    Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-r--r--"));
    Path file = dir.resolve("pgpass");
    Files.createSymbolicLink(dir.resolve("pgpass.pgha-tmp"), elsewhere);

    new ManagedFiles(
            PostgresConfig.builder("pg-1", dir)
                .superuser("postgres", "su")
                .replication("rep", "re")
                .rewind("rw", "rw")
                .build(),
            null)
        .writePrivate(file, "*:*:*:rep:secret\n");

    assertThat(Files.readString(elsewhere)).isEmpty();
    assertThat(Files.readString(file)).isEqualTo("*:*:*:rep:secret\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.isSymbolicLink(file)).isFalse();
  }

  /** A tool that logs in finds its password in a 0600 PGPASSFILE, not in its environment. */
  @Test
  void aToolGetsItsPasswordInAPassfileDeletedAfterwards() {
    PostgresTools tools = new PostgresTools(Path.of("/usr/bin"), null);
    CommandResult r =
        tools.run(
            List.of(
                "sh",
                "-c",
                "env; echo; stat -c %a \"$PGPASSFILE\"; cat \"$PGPASSFILE\"; echo \"$PGPASSFILE\""),
            Map.of(),
            new RoleCredentials("rewinder", "pw-0815"),
            Duration.ofSeconds(10));
    assertThat(r.exitCode()).isZero();
    List<String> lines = r.output().lines().toList();
    int blank = lines.indexOf("");
    assertThat(lines.subList(0, blank)).noneMatch(l -> l.contains("pw-0815"));
    assertThat(lines.get(blank + 1)).isEqualTo("600");
    assertThat(lines.get(blank + 2)).isEqualTo("*:*:*:rewinder:pw-0815");
    assertThat(Path.of(lines.get(blank + 3))).doesNotExist();
  }
}
