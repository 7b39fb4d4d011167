package io.pgha.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SocketDirectoryTest {

  @Test
  void aDeepWorkDirectoryGetsAShortSocketDirectoryThatIsRemovedAfterwards() throws Exception {
    Path deep = Testkit.newWorkDir("socket-" + "x".repeat(90));
    Path chosen = SocketDirectory.choose(deep.resolve("run"), OsUser.forPostgres());
    try {
      assertThat(chosen.startsWith(deep)).isFalse();
      assertThat(SocketDirectory.fits(chosen)).isTrue();
      assertThat(chosen).isDirectory();
    } finally {
      SocketDirectory.release(chosen, deep);
    }
    assertThat(Files.exists(chosen)).isFalse();
  }

  @Test
  void aShallowWorkDirectoryKeepsItsSocketInside() {
    Path shallow = Path.of("/tmp/pgha-s/run");
    assertThat(SocketDirectory.fits(shallow)).isTrue();
    assertThat(SocketDirectory.fits(Path.of("/" + "d".repeat(100)))).isFalse();
  }

  @Test
  void aServerInADeepWorkDirectoryStarts() throws Exception {
    try (LocalPostgres pg = LocalPostgres.builder("socket-" + "y".repeat(33)).start()) {
      assertThat(SocketDirectory.fits(pg.socketDir())).isTrue();
      try (var c = pg.connect();
          var rs = c.createStatement().executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }
}
