package io.pgha.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a start that failed because the cluster's topology could not be read. */
class PghaTopologyFailureAnalyzer extends AbstractFailureAnalyzer<TopologyUnavailableException> {

  @Override
  protected FailureAnalysis analyze(Throwable root, TopologyUnavailableException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Check that "
            + cause.source()
            + " is reachable from this application and that pgha.datasource.etcd-endpoints,"
            + " pgha.datasource.namespace and pgha.datasource.scope (or http-api-urls /"
            + " static-hosts) name a running cluster; pgha.datasource.start-timeout bounds the"
            + " first read.",
        cause);
  }
}
