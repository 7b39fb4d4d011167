package io.pgha.core.config;

/**
 * The member's HTTP API (Patroni's {@code restapi}).
 *
 * @param listen the address the API server binds
 * @param connectAddress the address other members, patronictl and HAProxy use; published as {@code
 *     api_url}
 */
public record RestApiSettings(HostPort listen, HostPort connectAddress) {

  /** The URL published in the member key: {@code http://host:port/patroni}. */
  public String apiUrl() {
    return "http://" + connectAddress + "/patroni";
  }
}
