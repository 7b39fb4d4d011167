package io.pgha.sidecar;

import java.util.List;

/**
 * The configuration file cannot be used: it is not YAML, or a key has a value pgha cannot accept.
 * The message lists every problem, each naming the file line, the key, the value and what is
 * allowed; secrets are never part of it. The sidecar exits with status {@value #EXIT_STATUS}.
 */
public final class ConfigFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The exit status of the sidecar for a configuration it cannot use. */
  public static final int EXIT_STATUS = 2;

  private final List<String> problems;

  ConfigFileException(String file, List<String> problems) {
    super(describe(file, distinct(problems)));
    this.problems = distinct(problems);
  }

  /** Every problem found, one sentence each. */
  public List<String> problems() {
    return problems;
  }

  /** A key read twice (bootstrap.dcs parameters feed two settings) is reported once. */
  private static List<String> distinct(List<String> problems) {
    return List.copyOf(new java.util.LinkedHashSet<>(problems));
  }

  private static String describe(String file, List<String> problems) {
    StringBuilder text = new StringBuilder(file).append(": cannot use this configuration (");
    text.append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
    for (String p : problems) {
      text.append(System.lineSeparator()).append("  - ").append(p);
    }
    return text.toString();
  }
}
