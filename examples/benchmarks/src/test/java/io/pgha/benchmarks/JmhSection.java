package io.pgha.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The JMH section of the report, read from the JSON a {@code -Pjmh} run of pgha-jdbc wrote. */
final class JmhSection {
  private JmhSection() {}

  /** The section's Markdown, when {@code json} exists; a note naming the file when it is bad. */
  static Optional<String> read(Path json) {
    if (json == null || !Files.isRegularFile(json)) {
      return Optional.empty();
    }
    try {
      return Optional.of(render(Files.readString(json), json));
    } catch (IOException | RuntimeException e) {
      return Optional.of("The JMH result " + json + " cannot be read: " + e.getMessage() + "\n");
    }
  }

  static String render(String jsonText, Path source) {
    JsonNode root = new ObjectMapper().readTree(jsonText);
    if (!root.isArray()) {
      throw new IllegalArgumentException("expected a JSON array of JMH results");
    }
    StringBuilder md =
        new StringBuilder(
            "From `"
                + source.getFileName()
                + "` (`./mvnw -B -pl pgha-jdbc -am -Pjmh verify -DskipTests`): getConnection +"
                + " `SELECT 1` + close through each DataSource, on a local PostgreSQL.\n\n");
    md.append("| benchmark | params | mode | score | error | unit |\n");
    md.append("|---|---|---|---:|---:|---|\n");
    for (JsonNode r : root) {
      String name = r.path("benchmark").asString("");
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      StringBuilder params = new StringBuilder();
      JsonNode p = r.path("params");
      if (p.isObject()) {
        for (Map.Entry<String, JsonNode> e : p.properties()) {
          params
              .append(params.isEmpty() ? "" : ", ")
              .append(e.getKey())
              .append('=')
              .append(e.getValue().asString(""));
        }
      }
      JsonNode metric = r.path("primaryMetric");
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %.3f | %.3f | %s |%n",
              name,
              params,
              r.path("mode").asString(""),
              metric.path("score").asDouble(Double.NaN),
              metric.path("scoreError").asDouble(Double.NaN),
              metric.path("scoreUnit").asString("")));
    }
    return md.append('\n').toString();
  }
}
