package io.pgha.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.jdbc.routing.ReadPolicy;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PghaDriverTest {

  @Test
  void parsesEndpointsScopeRoleAndOptions() {
    Properties info = new Properties();
    info.setProperty("user", "app");
    PghaDriver.ParsedUrl p =
        PghaDriver.parse(
            "jdbc:pgha://127.0.0.1:2379,127.0.0.1:2381/pg-test?role=replica&namespace=/pg"
                + "&readPolicy=least_lag&maxReplicaLagBytes=1024&sslmode=disable",
            info);

    assertThat(p.readOnly()).isTrue();
    assertThat(p.config().etcdEndpoints())
        .containsExactly("http://127.0.0.1:2379", "http://127.0.0.1:2381");
    assertThat(p.config().keyPrefix()).isEqualTo("/pg/pg-test/");
    assertThat(p.config().readPolicy()).isEqualTo(ReadPolicy.LEAST_LAG);
    assertThat(p.config().maxReplicaLagBytes()).isEqualTo(1024);
    assertThat(p.config().username()).isEqualTo("app");
    assertThat(p.config().connectionProperties()).containsEntry("sslmode", "disable");
  }

  @Test
  void propertyInfoListsTheUrlOptionsWithTheirValuesAndChoices() {
    Properties info = new Properties();
    info.setProperty("user", "app");
    info.setProperty("password", "s3cret");
    DriverPropertyInfo[] props =
        new PghaDriver()
            .getPropertyInfo(
                "jdbc:pgha://127.0.0.1:2379/pg-test?role=replica&readPolicy=LEAST_LAG"
                    + "&namespace=%2Fpg&password=inurl",
                info);
    Map<String, DriverPropertyInfo> byName =
        Arrays.stream(props).collect(Collectors.toMap(p -> p.name, Function.identity()));

    assertThat(byName)
        .containsOnlyKeys(
            "role",
            "namespace",
            "database",
            "user",
            "password",
            "readPolicy",
            "maxReplicaLagBytes",
            "leaderWaitTimeoutMs",
            "fallbackToLeader",
            "maximumPoolSize");
    assertThat(props).allSatisfy(p -> assertThat(p.description).isNotBlank());
    assertThat(byName.get("role").value).isEqualTo("replica");
    assertThat(byName.get("role").choices).containsExactly("primary", "replica");
    assertThat(byName.get("readPolicy").value).isEqualTo("LEAST_LAG");
    assertThat(byName.get("readPolicy").choices)
        .containsExactly("ROUND_ROBIN", "LEAST_CONNECTIONS", "LEAST_LAG");
    assertThat(byName.get("namespace").value).isEqualTo("/pg");
    assertThat(byName.get("user").value).isEqualTo("app");
    assertThat(byName.get("database").value).isEqualTo("postgres");
    assertThat(byName.get("leaderWaitTimeoutMs").value).isEqualTo("30000");
    assertThat(byName.get("password").value).isNull();
    assertThat(new PghaDriver().getPropertyInfo("jdbc:postgresql://h/db", null)).isEmpty();
  }

  @Test
  void primaryAndReplicaUrlsShareOneDataSource() {
    String base = "jdbc:pgha://127.0.0.1:2379/pg-test";
    assertThat(PghaDriver.parse(base + "?role=replica", null).key())
        .isEqualTo(PghaDriver.parse(base + "?role=primary", null).key())
        .isEqualTo(PghaDriver.parse(base, null).key());
  }

  @Test
  void badUrlsAreNamed() {
    assertThatThrownBy(() -> PghaDriver.parse("jdbc:pgha:127.0.0.1/x", null))
        .hasMessageContaining("must look like jdbc:pgha://");
    assertThatThrownBy(() -> PghaDriver.parse("jdbc:pgha://h:1/x?role=boss", null))
        .hasMessage("pgha: role (boss) must be primary or replica");
    assertThatThrownBy(() -> PghaDriver.parse("jdbc:pgha://h:1/x?maxReplicaLagBytes=lots", null))
        .hasMessage("pgha: maxReplicaLagBytes (lots) must be a whole number");
  }

  @Test
  void aUrlsPasswordIsNeverEchoed() {
    for (String url :
        List.of(
            "jdbc:pgha:127.0.0.1:2379/pg-test?user=app&password=s3cr%3Ft&role=x",
            "jdbc:pgha://127.0.0.1:2379?password=s3cr%3Ft",
            "jdbc:pgha://app:s3cr%3Ft@127.0.0.1:2379",
            "jdbc:pgha://127.0.0.1:2379/pg-test?sslpassword=s3cr%3Ft&role=boss")) {
      Properties info = new Properties();
      info.setProperty("password", "other-s3cret");
      assertThatThrownBy(() -> new PghaDriver().connect(url, info))
          .isInstanceOf(SQLException.class)
          .satisfies(
              e -> {
                for (Throwable t = e; t != null; t = t.getCause()) {
                  assertThat(String.valueOf(t.getMessage()))
                      .as(url)
                      .doesNotContain("s3cr")
                      .doesNotContain("other-s3cret");
                }
              });
    }
  }

  @Test
  void registeredThroughServiceLoader() throws SQLException {
    Driver d = DriverManager.getDriver("jdbc:pgha://127.0.0.1:2379/pg-test");
    assertThat(d).isInstanceOf(PghaDriver.class);
    assertThat(d.acceptsURL("jdbc:postgresql://x/y")).isFalse();
  }
}
