package io.pgha.core.dcs;

import java.time.Duration;
import java.util.List;

/** An {@link EtcdDcs} for tests of other packages that need one without a whole PghaConfig. */
public final class TestEtcdDcs {
  private TestEtcdDcs() {}

  /** A client of {@code member} in cluster {@code scope} under Patroni's default namespace. */
  public static EtcdDcs connect(
      List<String> endpoints, String scope, String member, Duration ttl, Duration requestTimeout) {
    return EtcdDcs.connect(
        EtcdDcsConfig.builder()
            .endpoints(endpoints)
            .scope(scope)
            .memberName(member)
            .ttl(ttl)
            .requestTimeout(requestTimeout)
            .build());
  }
}
