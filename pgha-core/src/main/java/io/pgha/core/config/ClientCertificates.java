package io.pgha.core.config;

/**
 * Whether the HTTP API asks clients for a certificate (Patroni's {@code restapi.verify_client}).
 */
public enum ClientCertificates {
  /** No client certificate is asked for. */
  NONE,
  /** Asked for; required only for unsafe methods (POST, PUT, PATCH, DELETE). */
  OPTIONAL,
  /** Required for every request (the TLS handshake fails without one). */
  REQUIRED
}
