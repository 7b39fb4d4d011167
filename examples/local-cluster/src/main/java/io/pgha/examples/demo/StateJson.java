package io.pgha.examples.demo;

import java.util.List;
import java.util.Locale;

/** Renders a {@link LiveView.Snapshot} as the JSON the web page polls (no JSON library needed). */
final class StateJson {
  private final StringBuilder b = new StringBuilder(8192);

  private StateJson() {}

  static String render(LiveView.Snapshot s) {
    StateJson j = new StateJson();
    j.b.append('{');
    j.field("t").number(s.t()).comma();
    j.field("phase").string(s.phase()).comma();
    j.field("leader").string(s.leader()).comma();
    j.field("draining").string(s.draining()).comma();
    j.field("members").b.append('[');
    List<MemberView> members = s.members();
    for (int i = 0; i < members.size(); i++) {
      MemberView m = members.get(i);
      if (i > 0) {
        j.comma();
      }
      j.b.append('{');
      j.field("name").string(m.name()).comma();
      j.field("port").number(m.pgPort()).comma();
      j.field("role").string(m.role()).comma();
      j.field("leader").bool(m.leader()).comma();
      j.field("agent").bool(m.agentRunning()).comma();
      j.field("state").string(m.state()).comma();
      j.field("follows").string(m.follows()).comma();
      j.field("lagBytes").number(m.lagBytes()).comma();
      j.field("writes").number(m.writes()).comma();
      j.field("reads").number(m.reads());
      j.b.append('}');
    }
    j.b.append(']').append(',');
    ClientWorkload.Counters c = s.totals();
    j.field("client").b.append('{');
    j.field("ackedWrites").number(c.acked()).comma();
    j.field("writeErrors").number(c.writeErrors()).comma();
    j.field("reads").number(c.reads()).comma();
    j.field("readErrors").number(c.readErrors()).comma();
    j.field("lastError").string(s.lastError());
    j.b.append("},");
    j.field("points").b.append('[');
    List<LiveView.Point> points = s.points();
    for (int i = 0; i < points.size(); i++) {
      LiveView.Point p = points.get(i);
      if (i > 0) {
        j.comma();
      }
      j.b.append('{');
      j.field("t").number(p.t()).comma();
      j.field("w").number(p.writesPerSec()).comma();
      j.field("r").number(p.readsPerSec()).comma();
      j.field("we").number(p.writeErrors()).comma();
      j.field("re").number(p.readErrors()).comma();
      j.field("leader").string(p.leader());
      j.b.append('}');
    }
    j.b.append("],");
    j.field("events").b.append('[');
    List<LiveView.Event> events = s.events();
    for (int i = 0; i < events.size(); i++) {
      LiveView.Event e = events.get(i);
      if (i > 0) {
        j.comma();
      }
      j.b.append('{');
      j.field("t").number(e.t()).comma();
      j.field("kind").string(e.kind()).comma();
      j.field("text").string(e.text());
      j.b.append('}');
    }
    j.b.append("],");
    j.field("summary");
    DemoSummary sum = s.summary();
    if (sum == null) {
      j.b.append("null");
    } else {
      j.string(sum.body().stripIndent());
    }
    j.b.append('}');
    return j.b.toString();
  }

  private StateJson field(String name) {
    string(name);
    b.append(':');
    return this;
  }

  private StateJson comma() {
    b.append(',');
    return this;
  }

  private StateJson number(double value) {
    b.append(value == Math.rint(value) ? Long.toString((long) value) : format(value));
    return this;
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private StateJson bool(boolean value) {
    b.append(value);
    return this;
  }

  private StateJson string(String value) {
    if (value == null) {
      b.append("null");
      return this;
    }
    b.append('"');
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    b.append('"');
    return this;
  }
}
