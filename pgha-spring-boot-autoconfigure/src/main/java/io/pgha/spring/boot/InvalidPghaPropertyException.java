package io.pgha.spring.boot;

/**
 * A {@code pgha.*} property has a value the starter cannot use. The application fails to start and
 * Spring Boot's failure analysis names the property, the value and what is allowed.
 */
public final class InvalidPghaPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String value;
  private final String rule;

  /**
   * @param property the full property name, like {@code pgha.datasource.connection-timeout}
   * @param value the bad value as text (never a secret)
   * @param rule what is allowed
   * @param cause the check that failed, if any
   */
  public InvalidPghaPropertyException(String property, String value, String rule, Throwable cause) {
    super(property + " (" + value + ") " + rule, cause);
    this.property = property;
    this.value = value;
    this.rule = rule;
  }

  /** The full property name. */
  public String property() {
    return property;
  }

  /** The bad value as text. */
  public String value() {
    return value;
  }

  /** What is allowed. */
  public String rule() {
    return rule;
  }
}
