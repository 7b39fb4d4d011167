package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** Preparing the data directory on a real file system. */
class DataDirectoryTest {

  @Test
  void aDataDirectoryWhoseParentsAreMissingIsCreatedWithThemAsInitdbDoes() throws IOException {
    Path work = TestNodes.newWorkDir("data-directory");
    Path dir = work.resolve("data/cluster/postgres0");
    OsIdentity owner = OsIdentity.resolve(TestNodes.runAsUser());
    String ownerName = OsIdentity.ownerName(owner);

    new DataDirectory("postgres0", dir, owner).prepareEmpty(false, "bootstrap");

    assertThat(dir).isDirectory().isEmptyDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(Files.getOwner(dir).getName()).isEqualTo(ownerName);
    assertThat(Files.getOwner(work.resolve("data/cluster")).getName()).isEqualTo(ownerName);
    assertThat(Files.getOwner(work.resolve("data")).getName()).isEqualTo(ownerName);
  }
}
