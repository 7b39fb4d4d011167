package io.pgha.examples.demo;

import io.pgha.testkit.LocalEtcd;
import io.pgha.testkit.LocalPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

/**
 * The first demo: starts a local etcd and a PostgreSQL server through the test kit, shows that both
 * answer, and stops them. It grows into the failover demo as the agent lands.
 */
public final class LocalClusterDemo {

  private LocalClusterDemo() {}

  public static void main(String[] args) throws Exception {
    System.out.println(
        "pgha demo: starting a local etcd and PostgreSQL (processes of this machine)");
    try (LocalEtcd etcd = LocalEtcd.start(1);
        LocalPostgres postgres = LocalPostgres.builder("demo-pg").start()) {
      String endpoint = etcd.clientEndpoints().get(0);
      System.out.printf(
          "etcd      %s  pid %d  version %s%n",
          endpoint, etcd.member(0).pid(), httpGet(endpoint + "/version"));
      try (Connection connection = postgres.connect();
          Statement statement = connection.createStatement();
          ResultSet rs =
              statement.executeQuery(
                  "select current_setting('server_version'), pg_is_in_recovery(), "
                      + "(select system_identifier from pg_control_system())")) {
        rs.next();
        System.out.printf(
            "postgres  %s:%d  pid %d  version %s  in recovery: %s  system id %s%n",
            postgres.host(),
            postgres.port(),
            postgres.pid(),
            rs.getString(1),
            rs.getBoolean(2),
            rs.getString(3));
      }
      System.out.println("stopping both; nothing is left running");
    }
    System.out.println("pgha demo: done");
  }

  private static String httpGet(String url) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
    return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }
}
