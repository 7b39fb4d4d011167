package io.pgha.core.config;

import java.util.List;

/**
 * Thrown by {@link PghaConfig.Builder#build()} when the configuration has one or more problems. The
 * message lists every problem, each naming the key, the bad value and the rule, so that one start
 * attempt is enough to see everything that must be fixed. Secrets are never part of the message.
 */
public final class InvalidConfigurationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  InvalidConfigurationException(List<String> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, one sentence each, in the order the keys were checked. */
  public List<String> problems() {
    return problems;
  }

  private static String describe(List<String> problems) {
    StringBuilder text =
        new StringBuilder("invalid pgha configuration (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    for (String problem : problems) {
      text.append(System.lineSeparator()).append("  - ").append(problem);
    }
    return text.toString();
  }
}
