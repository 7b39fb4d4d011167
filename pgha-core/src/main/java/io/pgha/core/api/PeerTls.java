package io.pgha.core.api;

import io.pgha.core.config.RestApiSettings;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The TLS this member uses when it calls its peers' APIs (failsafe heartbeats, status requests), as
 * Patroni does: it trusts the authorities of {@code restapi.cafile} and presents this member's own
 * API certificate, so peers that require client certificates accept it.
 */
public final class PeerTls {
  private PeerTls() {}

  /**
   * The context for calling peers' {@code https} API URLs; empty when this member has neither an
   * API certificate nor a {@code restapi.cafile} (the JDK's trusted authorities are then used).
   *
   * @throws IllegalArgumentException when a TLS file cannot be used, naming it
   */
  public static Optional<SSLContext> context(RestApiSettings settings) {
    ApiConfig config = ApiConfig.of(settings);
    if (!config.tlsEnabled() && config.clientCaFile().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(TlsContexts.client(config));
  }
}
