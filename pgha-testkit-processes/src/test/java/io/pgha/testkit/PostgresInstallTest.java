package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class PostgresInstallTest {

  @Test
  void findsTheServerBinariesAndTheirVersion() {
    PostgresInstall install = PostgresInstall.locate();
    assertThat(install.binary("postgres")).isExecutable();
    assertThat(install.binary("initdb")).isExecutable();
    // Tools that PATH symlinks usually do not cover are found too.
    assertThat(install.binary("pg_basebackup")).isExecutable();
    assertThat(install.binary("pg_rewind")).isExecutable();
    assertThat(install.majorVersion()).isGreaterThanOrEqualTo(12);
  }

  @Test
  void aMissingBinaryIsNamedWithTheInstallCommand() {
    assertThatThrownBy(() -> PostgresInstall.locate().binary("pg_nonexistent"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'pg_nonexistent'")
        .hasMessageContaining("apt-get install -y postgresql");
    assertThatThrownBy(() -> PostgresInstall.at(Testkit.newWorkDir("empty-bin")))
        .hasMessageContaining("'postgres'")
        .hasMessageContaining("apt-get install -y postgresql");
  }

  @Test
  void ownedDirectoriesBelongToThePostgresUserWithMode700() throws Exception {
    OsUser user = OsUser.forPostgres();
    var dir = user.createOwnedDirectory(Testkit.newWorkDir("owned").resolve("a/b"));
    assertThat(Files.getOwner(dir).getName()).isEqualTo(user.name());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    if (user.needsSwitch()) {
      assertThat(user.name()).isNotEqualTo("root");
      assertThat(user.wrap(java.util.List.of("id", "-u")).get(0)).endsWith("setpriv");
    }
  }
}
