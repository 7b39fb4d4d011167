package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class TestkitTest {

  @Test
  void workDirsAreUniqueTraversableAndUnderTheConfiguredBase() throws Exception {
    Path first = Testkit.newWorkDir("unit");
    Path second = Testkit.newWorkDir("unit");
    assertThat(first).isNotEqualTo(second).hasParent(Testkit.baseDir());
    assertThat(first.getFileName().toString()).startsWith("unit-");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first)))
        .isEqualTo("rwxr-xr-x");
    // Surefire points the base at target/testkit so process logs stay with the build.
    assertThat(Testkit.baseDir().toString()).endsWith("target/testkit");
  }

  @Test
  void rejectsPrefixesThatAreNotDirectoryNames() {
    assertThatThrownBy(() -> Testkit.newWorkDir("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix 'a/b'");
  }

  @Test
  void freePortsAreNeverHandedOutTwice() {
    int first = Testkit.freePort();
    int second = Testkit.freePort();
    assertThat(first).isNotEqualTo(second).isBetween(1, 65535);
  }
}
