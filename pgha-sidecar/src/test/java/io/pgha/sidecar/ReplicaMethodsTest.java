package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.sidecar.SidecarCluster.Member;
import io.pgha.testkit.OsUser;
import io.pgha.testkit.PostgresInstall;
import io.pgha.testkit.Testkit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Patroni's {@code postgresql.create_replica_methods} through the sidecar, on real processes: a
 * custom method (a script restoring a {@code pg_basebackup} taken earlier, leaving a {@code
 * standby.signal} and recovery parameters in {@code postgresql.auto.conf} as pgBackRest does) makes
 * a new replica, the built-in {@code basebackup} takes over when the method before it fails, and a
 * {@code no_leader} method restores a member that joins a cluster without a leader.
 */
class ReplicaMethodsTest {
  private static final Duration CONVERGE = Duration.ofSeconds(120);

  private SidecarCluster cluster;

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aCustomMethodMakesTheReplicaAndBasebackupIsTheFallbackWhenOneFails() throws Exception {
    Path work = workDir();
    Path restore = restoreScript(work);
    Path broken = brokenScript(work);
    Member pg1 =
        startAndBackUp(
            work,
            3,
            name ->
                switch (name) {
                  case "pg2" ->
                      "  create_replica_methods: [restore, basebackup]\n"
                          + "  restore:\n"
                          + "    command: "
                          + restore
                          + " 'first word'\n"
                          + "    stanza: main\n";
                  case "pg3" ->
                      "  create_replica_methods:\n"
                          + "    - broken\n"
                          + "    - basebackup\n"
                          + "  broken:\n"
                          + "    command: "
                          + broken
                          + "\n";
                  default -> "";
                });
    execute(pg1, "INSERT INTO t VALUES ('after the backup')");

    Member pg2 = cluster.member("pg2");
    Member pg3 = cluster.member("pg3");
    fixPassword(pg3);
    pg2.startInProcess();
    pg3.startInProcess();
    cluster.awaitHealthy(CONVERGE);
    execute(pg1, "INSERT INTO t VALUES ('streamed')");

    // pg2 was restored by the custom method, with Patroni's arguments, and streams from pg1 despite
    // the stale primary_conninfo the method left in postgresql.auto.conf.
    assertThat(pg2.dir.resolve("data").resolve("restored_by_method")).exists();
    List<String> args = Files.readAllLines(pg2.dir.resolve("data.args"));
    assertThat(args)
        .containsExactly(
            "first word",
            "--stanza=main",
            "--scope=" + cluster.scope,
            "--role=replica",
            "--datadir=" + pg2.dir.resolve("data"),
            "--connstring=dbname=postgres user=replicator host=127.0.0.1 port="
                + pg1.pgPort
                + " sslmode=prefer");
    assertThat(String.join(" ", args)).doesNotContain(SidecarCluster.REPLICATION_PASSWORD);
    assertThat(Files.readString(pg2.dir.resolve("data.pgpass")))
        .contains(":" + SidecarCluster.REPLICATION_PASSWORD);
    awaitRows(pg2, "in the backup", "after the backup", "streamed");

    // pg3's method failed: it ran, and basebackup made the replica in an emptied directory.
    assertThat(pg3.dir.resolve("data.broken")).exists();
    assertThat(pg3.dir.resolve("data").resolve("junk")).doesNotExist();
    assertThat(pg3.dir.resolve("data").resolve("restored_by_method")).doesNotExist();
    awaitRows(pg3, "in the backup", "after the backup", "streamed");
  }

  @Test
  void aNoLeaderMethodRestoresAMemberOfAClusterWithoutLeaderWhichThenLeads() throws Exception {
    Path work = workDir();
    Path restore = restoreScript(work);
    Member pg1 =
        startAndBackUp(
            work,
            2,
            name ->
                name.equals("pg2")
                    ? "  create_replica_methods: [restore]\n"
                        + "  restore:\n"
                        + "    command: "
                        + restore
                        + " 'first word'\n"
                        + "    no_leader: true\n"
                    : "");
    // The whole cluster is lost: its only member stops (releasing the leader key) for good.
    pg1.stop();
    pg1.killPostmaster();

    Member pg2 = cluster.member("pg2");
    pg2.startInProcess();

    // Restored without a leader, started as a replica of no one, then elected: it is the only
    // member that can be, as in Patroni.
    SidecarCluster.await(
        CONVERGE, "pg2 as primary", () -> Optional.of(pg2).filter(Member::isWritablePrimary));
    assertThat(pg2.dir.resolve("data").resolve("restored_by_method")).exists();
    List<String> args = Files.readAllLines(pg2.dir.resolve("data.args"));
    assertThat(args)
        .containsExactly(
            "first word",
            "--no_leader=true",
            "--scope=" + cluster.scope,
            "--role=replica",
            "--datadir=" + pg2.dir.resolve("data"),
            "--connstring=");
    assertThat(pg2.dir.resolve("data.pgpass")).doesNotExist();
    awaitRows(pg2, "in the backup");
    execute(pg2, "INSERT INTO t VALUES ('written on the restored leader')");
  }

  /**
   * Starts a cluster of {@code size} members (with {@code postgresqlKeys} in their {@code
   * postgresql} sections) whose pg1 leads, with a table {@code t} holding a row, and takes a backup
   * of it into {@code work/backup}.
   */
  private Member startAndBackUp(Path work, int size, Function<String, String> postgresqlKeys)
      throws Exception {
    cluster = new SidecarCluster(size, postgresqlKeys, name -> "watchdog:\n  mode: off\n");
    Member pg1 = cluster.member("pg1");
    pg1.startInProcess();
    SidecarCluster.await(
        CONVERGE, "pg1 as primary", () -> Optional.of(pg1).filter(Member::isWritablePrimary));
    execute(pg1, "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('in the backup')");
    takeBackup(work, pg1);
    return pg1;
  }

  /**
   * A restore from a backup directory, as a backup tool's wrapper would: it copies the backup into
   * {@code --datadir}, leaves a {@code standby.signal} and recovery parameters in {@code
   * postgresql.auto.conf} (pgBackRest writes its {@code restore_command} there; this one also a
   * stale {@code primary_conninfo}), and records its arguments and its password file next to the
   * data directory.
   */
  private static Path restoreScript(Path work) throws IOException {
    Path script = work.resolve("restore.sh");
    write(
        script,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do case \"$a\" in --datadir=*) dir=\"${a#--datadir=}\";; esac;"
            + " done\n"
            + "printf '%s\\n' \"$@\" > \"$dir.args\"\n"
            + "[ -n \"$PGPASSFILE\" ] && cat \"$PGPASSFILE\" > \"$dir.pgpass\"\n"
            // Patroni hands a custom method no data directory: the method creates it.
            + "[ -e \"$dir\" ] && { echo \"$dir exists\" >&2; exit 1; }\n"
            + "cp -a '"
            + work.resolve("backup")
            + "' \"$dir\" || exit 1\n"
            + "touch \"$dir/restored_by_method\" \"$dir/standby.signal\"\n"
            + "echo \"restore_command = 'false'\" >> \"$dir/postgresql.auto.conf\"\n"
            + "echo \"primary_conninfo = 'host=127.0.0.1 port=1 user=nobody'\""
            + " >> \"$dir/postgresql.auto.conf\"\n"
            + "echo 'restored the backup into '\"$dir\"\n");
    return script;
  }

  /** A method that fails after leaving a file in the data directory. */
  private static Path brokenScript(Path work) throws IOException {
    Path script = work.resolve("broken.sh");
    write(
        script,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do case \"$a\" in --datadir=*) dir=\"${a#--datadir=}\";; esac;"
            + " done\n"
            + "mkdir -m 700 \"$dir\" && echo junk > \"$dir/junk\"\n"
            + "echo ran > \"$dir.broken\"\n"
            + "echo 'no backup in the repository' >&2\n"
            + "exit 1\n");
    return script;
  }

  private static void write(Path script, String text) throws IOException {
    Files.writeString(script, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /**
   * A pg_basebackup of {@code source} into {@code work/backup}, owned by the PostgreSQL user;
   * retried for a minute, as the replication role gets its password just after the bootstrap.
   */
  private static void takeBackup(Path work, Member source) throws Exception {
    OsUser os = OsUser.forPostgres();
    Path backup = os.createOwnedDirectory(work.resolve("backup"));
    List<String> command = new ArrayList<>();
    command.add(PostgresInstall.locate().binary("pg_basebackup").toString());
    command.addAll(
        List.of(
            "-D",
            backup.toString(),
            "-X",
            "stream",
            "-c",
            "fast",
            "-d",
            "host=127.0.0.1 port=" + source.pgPort + " user=replicator"));
    Path log = work.resolve("backup.log");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      ProcessBuilder b =
          new ProcessBuilder(os.wrap(command))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      b.environment().put("PGPASSWORD", SidecarCluster.REPLICATION_PASSWORD);
      Process p = b.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("pg_basebackup did not end within 60 s");
      }
      if (p.exitValue() == 0) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("pg_basebackup failed: " + Files.readString(log));
      }
      // pg_basebackup leaves nothing behind when it fails: the directory is empty for the retry.
      Thread.sleep(1000);
    }
  }

  private static void execute(Member m, String... statements) throws SQLException {
    try (Connection c = m.connect();
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private static void awaitRows(Member m, String... values) throws InterruptedException {
    List<String> expected = List.of(values);
    SidecarCluster.await(
        CONVERGE,
        m + " with rows " + expected,
        () -> {
          try (Connection c = m.connect();
              Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT v FROM t ORDER BY v")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
              rows.add(rs.getString(1));
            }
            return rows.containsAll(expected) ? Optional.of(rows) : Optional.empty();
          } catch (SQLException e) {
            return Optional.empty();
          }
        });
  }

  /** A scratch directory for the scripts and the backup, readable by the PostgreSQL user. */
  private static Path workDir() {
    return Testkit.newWorkDir("replica-methods");
  }

  /** pg3's file has a wrong superuser password (for the tests that pass it in the environment). */
  private static void fixPassword(Member m) throws IOException {
    Files.writeString(
        m.configFile,
        Files.readString(m.configFile)
            .replace("wrong-overridden-by-env", SidecarCluster.SUPERUSER_PASSWORD));
  }
}
