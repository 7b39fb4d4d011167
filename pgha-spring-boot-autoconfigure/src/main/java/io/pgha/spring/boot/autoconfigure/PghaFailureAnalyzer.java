package io.pgha.spring.boot.autoconfigure;

import io.pgha.spring.boot.InvalidPghaPropertyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a bad {@code pgha.*} property: which one, its value, and what is allowed. */
class PghaFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPghaPropertyException> {

  @Override
  protected FailureAnalysis analyze(Throwable root, InvalidPghaPropertyException cause) {
    return new FailureAnalysis(
        "Invalid value for property '"
            + cause.property()
            + "': '"
            + cause.value()
            + "' "
            + cause.rule()
            + ".",
        "Update '" + cause.property() + "' in your configuration: " + cause.rule() + ".",
        cause);
  }
}
