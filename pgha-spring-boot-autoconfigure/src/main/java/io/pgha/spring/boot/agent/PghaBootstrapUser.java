package io.pgha.spring.boot.agent;

import java.util.ArrayList;
import java.util.List;

/** One role of {@code pgha.agent.bootstrap.users}. */
public class PghaBootstrapUser {

  /** The role's password; none when unset. Never logged. */
  private String password;

  /**
   * Role attributes: [NO]CREATEDB, [NO]CREATEROLE, [NO]LOGIN, CONNECTION LIMIT 5, ... (LOGIN is
   * added unless NOLOGIN is given).
   */
  private List<String> options = new ArrayList<>();

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }

  public List<String> getOptions() {
    return options;
  }

  public void setOptions(List<String> options) {
    this.options = options;
  }

  @Override
  public String toString() {
    return "PghaBootstrapUser[password="
        + (password == null ? "none" : "****")
        + ", options="
        + options
        + "]";
  }
}
