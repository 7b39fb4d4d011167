package io.pgha.spring.boot.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * What a new cluster starts with ({@code pgha.agent.bootstrap.*}, Patroni's {@code bootstrap}
 * section): the dynamic configuration written to its {@code config} key, the script and the roles
 * the member that bootstraps it runs and creates before it leads. Read only by that member, once.
 */
public class PghaBootstrapProperties {

  /**
   * Program (and its leading arguments) run once by the member that bootstraps the cluster, after
   * the cluster runs and before it takes the leader key, with a connection string for the superuser
   * as its last argument (the password in a file named by PGPASSFILE). A failure fails the
   * bootstrap (Patroni's bootstrap.post_bootstrap).
   */
  private List<String> postBootstrap = new ArrayList<>();

  /** How long post-bootstrap may run before it is killed with its children. */
  private Duration postBootstrapTimeout = Duration.ofMinutes(10);

  /**
   * Roles created (or altered) after post-bootstrap by the member that bootstraps the cluster, by
   * name: pgha.agent.bootstrap.users.app.password, ...options (Patroni's bootstrap.users). A name
   * with characters other than lower-case letters, digits and - needs brackets:
   * pgha.agent.bootstrap.users[App_User].password.
   */
  private Map<String, PghaBootstrapUser> users = new LinkedHashMap<>();

  /** The dynamic configuration the cluster starts with (Patroni's bootstrap.dcs). */
  @NestedConfigurationProperty
  private PghaBootstrapDcsProperties dcs = new PghaBootstrapDcsProperties();

  public List<String> getPostBootstrap() {
    return postBootstrap;
  }

  public void setPostBootstrap(List<String> postBootstrap) {
    this.postBootstrap = postBootstrap;
  }

  public Duration getPostBootstrapTimeout() {
    return postBootstrapTimeout;
  }

  public void setPostBootstrapTimeout(Duration postBootstrapTimeout) {
    this.postBootstrapTimeout = postBootstrapTimeout;
  }

  public Map<String, PghaBootstrapUser> getUsers() {
    return users;
  }

  public void setUsers(Map<String, PghaBootstrapUser> users) {
    this.users = users;
  }

  public PghaBootstrapDcsProperties getDcs() {
    return dcs;
  }

  public void setDcs(PghaBootstrapDcsProperties dcs) {
    this.dcs = dcs;
  }
}
