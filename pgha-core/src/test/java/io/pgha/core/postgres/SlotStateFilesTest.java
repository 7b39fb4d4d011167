package io.pgha.core.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copies of the primary's logical slots installed into a stopped server's pg_replslot. */
class SlotStateFilesTest {
  @TempDir Path dataDir;

  private static LogicalSlotState slot(String name, String content) {
    return new LogicalSlotState(name, "postgres", "test_decoding", Lsn.ZERO, content.getBytes());
  }

  @Test
  void eachSlotGetsItsStateFileReadableByItsOwnerOnly() throws IOException {
    Files.createDirectory(dataDir.resolve("pg_replslot"));

    new SlotStateFiles(dataDir, null).install(List.of(slot("a", "one"), slot("b", "two")));

    Path state = dataDir.resolve("pg_replslot/a/state");
    assertThat(state).hasContent("one");
    assertThat(dataDir.resolve("pg_replslot/b/state")).hasContent("two");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void anOlderCopyAndALeftoverTemporaryDirectoryAreReplaced() throws IOException {
    Path replslot = Files.createDirectory(dataDir.resolve("pg_replslot"));
    Files.createDirectories(replslot.resolve("a"));
    Files.writeString(replslot.resolve("a/state"), "old");
    Files.writeString(replslot.resolve("a/xid-1.snap"), "old");
    Files.createDirectories(replslot.resolve("a.tmp"));
    Files.writeString(replslot.resolve("a.tmp/state"), "half");

    new SlotStateFiles(dataDir, null).install(List.of(slot("a", "new")));

    assertThat(replslot.resolve("a/state")).hasContent("new");
    assertThat(replslot.resolve("a/xid-1.snap")).doesNotExist();
    assertThat(replslot.resolve("a.tmp")).doesNotExist();
  }

  @Test
  void aNameThatIsNoPlainFileNameIsRefused() throws IOException {
    Files.createDirectory(dataDir.resolve("pg_replslot"));

    assertThatThrownBy(
            () -> new SlotStateFiles(dataDir, null).install(List.of(slot("../escape", "x"))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("must be a plain file name");
    assertThat(dataDir.resolve("escape")).doesNotExist();
  }
}
