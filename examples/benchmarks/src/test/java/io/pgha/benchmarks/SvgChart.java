package io.pgha.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart of the median write unavailability per scenario, preset, mode, system and
 * client, as a plain SVG document.
 */
final class SvgChart {
  private static final int LABEL_WIDTH = 330;
  private static final int BAR_WIDTH = 520;
  private static final int ROW = 18;
  private static final int TOP = 40;
  private static final String[] COLORS = {"#1f77b4", "#aec7e8", "#d62728", "#ff9896"};

  private SvgChart() {}

  static String render(Report report) {
    List<Report.Row> rows = new ArrayList<>();
    for (String scenario : report.distinct(RunResult::scenario)) {
      rows.addAll(report.rows(scenario));
    }
    double max =
        rows.stream()
            .mapToDouble(Report.Row::writeMedian)
            .filter(v -> !Double.isNaN(v))
            .max()
            .orElse(0);
    double scale = niceCeiling(Math.max(max, 1));
    int height = TOP + rows.size() * ROW + 40;
    int width = LABEL_WIDTH + BAR_WIDTH + 90;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"sans-serif\" font-size=\"11\">%n",
            width,
            height,
            width,
            height));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(
        "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">Median write"
            + " unavailability (s) per scenario, system and client</text>\n");
    String previousCell = null;
    for (int i = 0; i < rows.size(); i++) {
      Report.Row row = rows.get(i);
      int y = TOP + i * ROW;
      String cell = row.cell().toString();
      if (previousCell != null && !previousCell.equals(cell)) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"10\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>%n",
                y - 1,
                width - 10,
                y - 1));
      }
      previousCell = cell;
      double value = row.writeMedian();
      int bar = Double.isNaN(value) ? 0 : (int) Math.round(value / scale * BAR_WIDTH);
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
              LABEL_WIDTH - 6,
              y + 12,
              escape(row.label())));
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
              LABEL_WIDTH,
              y + 2,
              bar,
              ROW - 4,
              COLORS[colorIndex(row)]));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\">%s</text>%n",
              LABEL_WIDTH + bar + 4,
              y + 12,
              escape(Report.seconds(value))));
    }
    int axis = TOP + rows.size() * ROW + 4;
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
            LABEL_WIDTH,
            axis,
            LABEL_WIDTH + BAR_WIDTH,
            axis));
    for (int t = 0; t <= 4; t++) {
      int x = LABEL_WIDTH + BAR_WIDTH * t / 4;
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              x,
              axis + 14,
              String.format(Locale.ROOT, "%.1f", scale * t / 4 / 1000)));
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static int colorIndex(Report.Row row) {
    return (row.system().equals(Report.PGHA) ? 0 : 2)
        + (row.client().equals(Probe.PGHA_JDBC) ? 0 : 1);
  }

  /** The smallest 1, 2 or 5 times a power of ten at or above {@code v}. */
  static double niceCeiling(double v) {
    double power = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= v) {
        return m * power;
      }
    }
    return 10 * power;
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
