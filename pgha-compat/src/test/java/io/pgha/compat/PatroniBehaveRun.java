package io.pgha.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.testkit.OsUser;
import io.pgha.testkit.PostgresInstall;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Patroni's own acceptance suite (its behave features at tag v3.0.2) against the pgha sidecar, or
 * against the installed Patroni 3.0.2 to check the harness ({@code -Dbehave.target=patroni}).
 * behave runs as the PostgreSQL OS user in {@code target/behave-<target>/}; its progress goes to
 * the console; the report is {@code target/behave-<target>-report.md}. The test fails when a
 * scenario of {@code expected/<target>-passing.txt} does not pass (the run's regression guard).
 *
 * <pre>
 * ./mvnw -Ppatroni-behave -pl pgha-compat -am verify -DskipTests [-Dbehave.target=patroni]
 *     [-Dbehave.features=basic_replication,patroni_api]
 * </pre>
 */
class PatroniBehaveRun {

  /** The features issue 20 names: real Patroni 3.0.2 passes each of their 36 scenarios here. */
  static final List<String> FEATURES =
      List.of(
          "basic_replication",
          "patroni_api",
          "cascading_replication",
          "custom_bootstrap",
          "dcs_failsafe_mode",
          "standby_cluster",
          "watchdog");

  /** Patroni's features start etcd and the members on fixed ports; they must be free. */
  static final List<Integer> FIXED_PORTS = List.of(2379, 2380, 8008, 8009, 8010, 8011, 8012);

  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Duration TIMEOUT =
      Duration.ofMinutes(Long.getLong("behave.timeout.minutes", 90));

  @Test
  void patroniFeaturesPass() throws Exception {
    BehaveTarget target = BehaveTarget.of(System.getProperty("behave.target"));
    String selected = System.getProperty("behave.features", "");
    List<String> features =
        selected.isBlank()
            ? FEATURES
            : Arrays.stream(selected.split(",")).map(String::strip).toList();
    Path source = Path.of(System.getProperty("behave.source", ".")).toAbsolutePath().normalize();
    Path jar =
        Path.of(
            System.getProperty("behave.sidecar.jar", "../pgha-sidecar/target/pgha-sidecar.jar"));
    requireTools(target, jar);
    requirePortsFree();

    OsUser user = OsUser.forPostgres();
    Path runDir = source.resolve("target/behave-" + target.id());
    BehaveWorkspace workspace =
        BehaveWorkspace.create(runDir, source, target, patroniPackage(), jar, user);
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            PYTHON.toString(),
            "-m",
            "behave",
            "--no-capture",
            "--format=plain",
            "--junit",
            "--junit-directory=" + workspace.junitDir()));
    command.addAll(workspace.featureFiles(features));
    ProcessBuilder pb = new ProcessBuilder(user.wrap(command)).directory(runDir.toFile());
    pb.redirectErrorStream(true);
    boolean tls = Boolean.getBoolean("behave.tls");
    environment(pb.environment(), workspace, tls);

    System.out.println(
        "[behave] "
            + target.id()
            + ": "
            + features
            + " in "
            + runDir
            + " (as "
            + user
            + ", TLS "
            + (tls ? "on" : "off")
            + ")");
    long start = System.nanoTime();
    Process behave = pb.start();
    try {
      streamUntilExit(behave);
    } finally {
      stopLeftovers(behave, runDir);
    }
    Duration wall = Duration.ofNanos(System.nanoTime() - start);

    BehaveReport report = BehaveReport.read(workspace.junitDir());
    Path reportFile = source.resolve("target/behave-" + target.id() + "-report.md");
    report.write(reportFile, target, wall);
    System.out.println();
    System.out.println(report.markdown(target, wall));
    System.out.println("[behave] report: " + reportFile + "; logs: " + workspace.outputDir());

    Set<String> passed =
        report.scenarios().stream()
            .filter(ScenarioResult::passed)
            .map(ScenarioResult::key)
            .collect(Collectors.toSet());
    List<String> expected =
        expectedPassing(source, target).stream()
            .filter(e -> features.contains(e.substring(0, e.indexOf(':'))))
            .toList();
    List<String> newlyPassing =
        passed.stream().filter(p -> !expected.contains(p)).sorted().toList();
    if (!newlyPassing.isEmpty()) {
      System.out.println(
          "[behave] passing now, not yet in expected/"
              + target.id()
              + "-passing.txt: "
              + newlyPassing);
    }
    assertThat(report.scenarios()).as("scenarios behave reported").isNotEmpty();
    assertThat(passed)
        .as("scenarios of expected/%s-passing.txt that passed", target.id())
        .containsAll(expected);
  }

  private static void environment(Map<String, String> env, BehaveWorkspace workspace, boolean tls) {
    Map<String, String> inherited = Map.copyOf(env);
    env.clear();
    Path pgBin = PostgresInstall.locate().binDir();
    // Without certificates Patroni's harness runs the REST API and PostgreSQL without TLS: its
    // before_all makes them with openssl and, when that fails, goes on without. -Dbehave.tls=true
    // keeps openssl (what Patroni's CI does); the default hides it behind a stub that fails.
    String path = pgBin + ":/usr/local/bin:/usr/bin:/bin";
    env.put("PATH", tls ? path : workspace.noOpensslDir() + ":" + path);
    env.put("PYTHONUNBUFFERED", "1");
    env.put("HOME", workspace.dir().toString());
    env.put("LANG", "C.UTF-8");
    // Patroni's harness picks the DCS from DCS; pgha keeps its state in etcd through the v3 API.
    env.put("DCS", "etcd3");
    env.put("PGHA_SIDECAR_JAR", workspace.sidecarJar().toString());
    env.put("PGHA_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Patroni's harness multiplies its timeouts by 5 when it sees a CI.
    for (String ci : List.of("GITHUB_ACTIONS", "BUILD_NUMBER", "TRAVIS_BUILD_NUMBER")) {
      if (inherited.containsKey(ci)) {
        env.put(ci, inherited.get(ci));
      }
    }
  }

  private void streamUntilExit(Process behave) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(behave.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  System.out.println("[behave] " + line);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "behave-output");
    pump.setDaemon(true);
    pump.start();
    long left = deadline - System.nanoTime();
    if (!behave.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
      System.out.println("[behave] still running after " + TIMEOUT + ": stopped");
    }
    pump.join(TimeUnit.SECONDS.toMillis(5));
  }

  /**
   * Ends behave and whatever it left: its descendants, and processes whose command line names the
   * run directory (a postmaster the member detached keeps {@code -D <run>/data/<member>}).
   */
  private static void stopLeftovers(Process behave, Path runDir) throws InterruptedException {
    List<ProcessHandle> ours = new ArrayList<>(behave.descendants().toList());
    ours.add(behave.toHandle());
    String dir = runDir.toString() + "/";
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(dir)).orElse(false))
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .forEach(ours::add);
    ours.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (ours.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    ours.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static List<String> expectedPassing(Path source, BehaveTarget target) throws IOException {
    Path file = source.resolve("expected/" + target.id() + "-passing.txt");
    return Files.readAllLines(file).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  private static void requireTools(BehaveTarget target, Path jar) {
    if (!Files.isExecutable(PYTHON)
        || run(PYTHON.toString(), "-c", "import behave, coverage") != 0) {
      throw new IllegalStateException(
          "behave needs Debian's python3 with behave and coverage: apt-get install -y"
              + " python3-behave python3-coverage patroni");
    }
    if (target == BehaveTarget.PGHA && !Files.isReadable(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build it in the same reactor (-pl pgha-compat -am verify)");
    }
  }

  private static Path patroniPackage() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                PYTHON.toString(),
                "-c",
                "import os, patroni; print(os.path.dirname(patroni.__file__))")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "Patroni's features import the patroni package (apt-get install -y patroni): " + out);
    }
    return Path.of(out);
  }

  private static int run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void requirePortsFree() {
    for (int port : FIXED_PORTS) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
        s.setReuseAddress(true);
      } catch (IOException e) {
        throw new UncheckedIOException(
            new IOException(
                "port "
                    + port
                    + " is taken: Patroni's features run etcd on 2379/2380 and the members' REST"
                    + " API on 8008-8012; stop what holds it",
                e));
      }
    }
  }
}
