package io.pgha.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped unit's JVM options start a JVM: a flag this JDK does not know (the unit's {@code
 * -XX:TrimNativeHeapInterval} needs 17.0.9 or later) would make every start fail with "Unrecognized
 * VM option", and systemd would give up after five. Runs on the JDK of the build, so the Java 25
 * pass checks it there too.
 */
class SystemdUnitTest {
  private static final Path UNIT = Path.of("src/main/dist/pgha-sidecar.service");

  @Test
  void theUnitsJvmOptionsStartThisJdk() throws IOException, InterruptedException {
    String unit = Files.readString(UNIT);
    Matcher m = Pattern.compile("Environment=\"PGHA_JAVA_OPTS=([^\"]*)\"").matcher(unit);
    assertThat(m.find()).as("the unit sets PGHA_JAVA_OPTS").isTrue();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(m.group(1).trim().split("\\s+")));
    command.add("-version");
    Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(java.exitValue()).as(out).isZero();
    assertThat(out).doesNotContain("Unrecognized", "Ignoring option", "warning");
  }
}
