package io.pgha.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The scenarios of a behave run, read from its JUnit files, and the report written from them. */
final class BehaveReport {

  private final List<ScenarioResult> scenarios;

  BehaveReport(List<ScenarioResult> scenarios) {
    this.scenarios = List.copyOf(scenarios);
  }

  List<ScenarioResult> scenarios() {
    return scenarios;
  }

  /** Reads behave's {@code TESTS-<feature>.xml} files (its {@code --junit} output). */
  static BehaveReport read(Path junitDir) {
    List<ScenarioResult> results = new ArrayList<>();
    if (!Files.isDirectory(junitDir)) {
      return new BehaveReport(results);
    }
    try (Stream<Path> files = Files.list(junitDir)) {
      for (Path file : files.sorted().toList()) {
        if (file.getFileName().toString().endsWith(".xml")) {
          results.addAll(readFile(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read behave's reports in " + junitDir, e);
    }
    return new BehaveReport(results);
  }

  private static List<ScenarioResult> readFile(Path file) {
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Element suite = factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
      List<ScenarioResult> results = new ArrayList<>();
      NodeList cases = suite.getElementsByTagName("testcase");
      for (int i = 0; i < cases.getLength(); i++) {
        Element c = (Element) cases.item(i);
        String feature = c.getAttribute("classname").split("\\.", 2)[0];
        String failure = firstMessage(c, "failure") + firstMessage(c, "error");
        results.add(
            new ScenarioResult(
                feature,
                c.getAttribute("name"),
                c.getAttribute("status"),
                Double.parseDouble(c.getAttribute("time")),
                failure));
      }
      return results;
    } catch (Exception e) {
      throw new IllegalStateException("cannot parse behave's report " + file, e);
    }
  }

  private static String firstMessage(Element testcase, String tag) {
    NodeList nodes = testcase.getElementsByTagName(tag);
    if (nodes.getLength() == 0) {
      return "";
    }
    String message = ((Element) nodes.item(0)).getAttribute("message");
    return message.lines().findFirst().orElse("").strip();
  }

  /** Passed and total per feature, in the order of the run. */
  Map<String, int[]> perFeature() {
    Map<String, int[]> counts = new LinkedHashMap<>();
    for (ScenarioResult s : scenarios) {
      int[] c = counts.computeIfAbsent(s.feature(), f -> new int[2]);
      c[0] += s.passed() ? 1 : 0;
      c[1]++;
    }
    return counts;
  }

  long passed() {
    return scenarios.stream().filter(ScenarioResult::passed).count();
  }

  /** The report as Markdown: the counts per feature, then every scenario with its outcome. */
  String markdown(BehaveTarget target, Duration wallTime) {
    StringBuilder out = new StringBuilder();
    out.append("# Patroni v3.0.2 behave features against ")
        .append(target == BehaveTarget.PGHA ? "the pgha sidecar" : "Patroni 3.0.2")
        .append("\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "%d of %d scenarios passed; wall time %d min %02d s.%n%n",
                passed(),
                scenarios.size(),
                wallTime.toMinutes(),
                wallTime.toSecondsPart()))
        .append("| feature | passed |\n|---|---|\n");
    perFeature()
        .forEach(
            (f, c) ->
                out.append("| ")
                    .append(f)
                    .append(" | ")
                    .append(c[0])
                    .append(" / ")
                    .append(c[1])
                    .append(" |\n"));
    out.append(
        "\n| feature | scenario | outcome | seconds | first failure |\n|---|---|---|---|---|\n");
    for (ScenarioResult s : scenarios) {
      out.append("| ")
          .append(s.feature())
          .append(" | ")
          .append(s.scenario())
          .append(" | ")
          .append(s.status())
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.1f", s.seconds()))
          .append(" | ")
          .append(s.failure().replace("|", "\\|"))
          .append(" |\n");
    }
    return out.toString();
  }

  void write(Path file, BehaveTarget target, Duration wallTime) {
    try {
      Files.writeString(file, markdown(target, wallTime), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
