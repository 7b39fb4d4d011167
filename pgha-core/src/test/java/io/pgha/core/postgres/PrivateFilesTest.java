package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files holding secrets are 0600 from their creation. */
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
}
