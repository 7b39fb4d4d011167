package io.pgha.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The postgresql, restapi and etcd sections: their defaults, their keys and each of their rules.
 */
class SectionSettingsTest {

  @TempDir static Path tmp;

  @Test
  void postgresSectionDefaultsAreWhatTheAgentRanWith() {
    PostgresSettings pg = PghaConfigTest.valid().build().postgres();

    assertThat(pg.parameters()).isEmpty();
    assertThat(pg.pgHba()).isEqualTo(PostgresSettings.DEFAULT_PG_HBA);
    assertThat(pg.initdbOptions()).containsExactly("--data-checksums", "--encoding=UTF8");
    assertThat(pg.socketDirectory()).isNull();
    assertThat(pg.runAsUser()).isNull();
    assertThat(pg.useSlots()).isTrue();
    assertThat(pg.logFile()).isNull();
  }

  @Test
  void postgresSectionKeepsEveryKey() {
    PostgresSettings pg =
        PghaConfigTest.valid()
            .postgres(
                p ->
                    p.parameter("max_connections", "200")
                        .parameters(Map.of("work_mem", "8MB"))
                        .pgHba(List.of("host all all 10.0.0.0/8 scram-sha-256"))
                        .initdbOptions(List.of("--data-checksums"))
                        .socketDirectory(Path.of("/run/postgresql"))
                        .runAsUser("postgres")
                        .useSlots(false)
                        .logFile(Path.of("/var/log/pg.log")))
            .build()
            .postgres();

    assertThat(pg.parameters())
        .containsExactly(Map.entry("max_connections", "200"), Map.entry("work_mem", "8MB"));
    assertThat(pg.pgHba()).containsExactly("host all all 10.0.0.0/8 scram-sha-256");
    assertThat(pg.initdbOptions()).containsExactly("--data-checksums");
    assertThat(pg.socketDirectory()).isEqualTo(Path.of("/run/postgresql"));
    assertThat(pg.runAsUser()).isEqualTo("postgres");
    assertThat(pg.useSlots()).isFalse();
    assertThat(pg.logFile()).isEqualTo(Path.of("/var/log/pg.log"));
  }

  @Test
  void restApiSectionDefaultsAndKeys() throws IOException {
    RestApiSettings defaults = PghaConfigTest.valid().build().restApi();
    assertThat(defaults.credentials()).isEmpty();
    assertThat(defaults.tlsEnabled()).isFalse();
    assertThat(defaults.verifyClient()).isEqualTo(ClientCertificates.NONE);
    assertThat(defaults.threads()).isEqualTo(4);
    assertThat(defaults.queue()).isEqualTo(64);
    assertThat(defaults.maxBodyBytes()).isEqualTo(64 * 1024);
    assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.switchoverWait()).isNull();

    Path cert = Files.writeString(tmp.resolve("api-cert.pem"), "cert");
    Path key = Files.writeString(tmp.resolve("api-key.pem"), "key");
    RestApiSettings api =
        PghaConfigTest.valid()
            .restApi(
                a ->
                    a.authentication("admin", "api-secret")
                        .allowlist(List.of("10.0.0.0/8"))
                        .tlsPem(cert, key)
                        .verifyClient(ClientCertificates.OPTIONAL, cert)
                        .threads(8)
                        .queue(0)
                        .maxBodyBytes(1024)
                        .requestTimeout(Duration.ofSeconds(1))
                        .switchoverWait(Duration.ZERO))
            .build()
            .restApi();
    assertThat(api.credentials()).contains(new Credentials("admin", "api-secret"));
    assertThat(api.allowlist()).containsExactly("10.0.0.0/8");
    assertThat(api.tlsEnabled()).isTrue();
    assertThat(api.verifyClient()).isEqualTo(ClientCertificates.OPTIONAL);
    assertThat(api.threads()).isEqualTo(8);
    assertThat(api.toString()).contains("admin").doesNotContain("api-secret");
  }

  @Test
  void keyStorePasswordIsMasked() throws IOException {
    Path store = Files.writeString(tmp.resolve("api.p12"), "p12");
    RestApiSettings api =
        PghaConfigTest.valid().restApi(a -> a.tlsPkcs12(store, "store-secret")).build().restApi();

    assertThat(api.tlsEnabled()).isTrue();
    assertThat(api.toString()).contains("pkcs12").doesNotContain("store-secret");
  }

  static Stream<Arguments> invalidSections() {
    return Stream.of(
        PghaConfigTest.bad(
            "parameter pgha sets",
            b -> b.postgres(p -> p.parameter("port", "5433")),
            "postgresql.parameters.port (5433) must not be set: pgha sets [config_file,"),
        PghaConfigTest.bad(
            "parameter name",
            b -> b.postgres(p -> p.parameter("max connections", "1")),
            "postgresql.parameters (max connections) must be PostgreSQL parameter names"),
        PghaConfigTest.bad(
            "parameter without value",
            b -> b.postgres(p -> p.parameters(nullValued("work_mem"))),
            "postgresql.parameters.work_mem (null) must have a value"),
        PghaConfigTest.bad(
            "pg_hba blank line",
            b -> b.postgres(p -> p.pgHba(List.of(" "))),
            "postgresql.pg_hba ( ) must be one non-blank line each"),
        PghaConfigTest.bad(
            "pg_hba two lines in one",
            b -> b.postgres(p -> p.pgHba(List.of("local all all trust\nhost all all"))),
            "must be one non-blank line each"),
        PghaConfigTest.bad(
            "initdb option pgha passes",
            b -> b.postgres(p -> p.initdbOptions(List.of("--pgdata=/x"))),
            "bootstrap.initdb (--pgdata=/x) must not be one of ["),
        PghaConfigTest.bad(
            "socket directory relative",
            b -> b.postgres(p -> p.socketDirectory(Path.of("run"))),
            "postgresql.socket_directory (run) must be an absolute path"),
        PghaConfigTest.bad(
            "run_as_user blank",
            b -> b.postgres(p -> p.runAsUser(" ")),
            "postgresql.run_as_user ( ) must not be blank"),
        PghaConfigTest.bad(
            "log file relative",
            b -> b.postgres(p -> p.logFile(Path.of("pg.log"))),
            "postgresql.log_file (pg.log) must be an absolute path"),
        PghaConfigTest.bad(
            "api user without password",
            b -> b.restApi(a -> a.authentication("admin", null)),
            "restapi.authentication.username (admin) requires restapi.authentication.password"),
        PghaConfigTest.bad(
            "api user with colon",
            b -> b.restApi(a -> a.authentication("a:b", "x")),
            "restapi.authentication.username (a:b) must not be empty or contain ':'"),
        PghaConfigTest.bad(
            "api allowlist blank",
            b -> b.restApi(a -> a.allowlist(List.of(""))),
            "restapi.allowlist () must list addresses, CIDR ranges or host names"),
        PghaConfigTest.bad(
            "api keystore missing",
            b -> b.restApi(a -> a.tlsPkcs12(Path.of("/nonexistent/api.p12"), "x")),
            "restapi.keystore (/nonexistent/api.p12) must be a readable file"),
        PghaConfigTest.bad(
            "api certfile without keyfile",
            b -> b.restApi(a -> a.tlsPem(Path.of("/etc/passwd"), null)),
            "restapi.certfile (/etc/passwd) requires restapi.keyfile"),
        PghaConfigTest.bad(
            "api keyfile missing",
            b -> b.restApi(a -> a.tlsPem(Path.of("/etc/passwd"), Path.of("/nonexistent/k"))),
            "restapi.keyfile (/nonexistent/k) must be a readable file"),
        PghaConfigTest.bad(
            "verify_client needs a cafile",
            b ->
                b.restApi(
                    a ->
                        a.tlsPem(Path.of("/etc/passwd"), Path.of("/etc/passwd"))
                            .verifyClient(ClientCertificates.REQUIRED, null)),
            "restapi.verify_client (required) requires restapi.cafile"),
        PghaConfigTest.bad(
            "verify_client without tls",
            b ->
                b.restApi(a -> a.verifyClient(ClientCertificates.OPTIONAL, Path.of("/etc/passwd"))),
            "restapi.verify_client (optional) requires TLS: set restapi.certfile or"),
        PghaConfigTest.bad(
            "verify_client null",
            b -> b.restApi(a -> a.verifyClient(null, null)),
            "restapi.verify_client is required"),
        PghaConfigTest.bad(
            "api threads",
            b -> b.restApi(a -> a.threads(0)),
            "restapi.threads (0) must be from 1 to 256"),
        PghaConfigTest.bad(
            "api queue",
            b -> b.restApi(a -> a.queue(10_001)),
            "restapi.queue (10001) must be from 0 to 10000"),
        PghaConfigTest.bad(
            "api body size",
            b -> b.restApi(a -> a.maxBodyBytes(10)),
            "restapi.max_body_bytes (10) must be from 1024 to 16777216"),
        PghaConfigTest.bad(
            "api request timeout",
            b -> b.restApi(a -> a.requestTimeout(Duration.ofMillis(500))),
            "restapi.request_timeout (PT0.5S) must be at least 1s"),
        PghaConfigTest.bad(
            "api switchover wait",
            b -> b.restApi(a -> a.switchoverWait(Duration.ofSeconds(-1))),
            "restapi.switchover_wait (PT-1S) must not be negative"),
        PghaConfigTest.bad(
            "https without TLS files",
            b -> b.etcdEndpoints("https://127.0.0.1:2379"),
            "etcd.endpoints ([https://127.0.0.1:2379]) must use http unless etcd.cacert or"
                + " etcd.cert is set"),
        PghaConfigTest.bad(
            "http with a CA",
            b -> b.etcd(e -> e.caFile(Path.of("/etc/passwd"))),
            "etcd.endpoints ([http://127.0.0.1:2379]) must use https when etcd.cacert or etcd.cert"
                + " is set"),
        PghaConfigTest.bad(
            "pre_promote_timeout null",
            b -> b.prePromote(List.of("fence"), null),
            "postgresql.pre_promote_timeout is required"));
  }

  private static Map<String, String> nullValued(String name) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(name, null);
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSections")
  void eachSectionRuleNamesKeyValueAndRule(
      String name, UnaryOperator<PghaConfig.Builder> change, String expected) {
    new PghaConfigTest().eachRuleNamesKeyValueAndRule(name, change, expected);
  }

  @Test
  void problemsOfEverySectionAreReportedTogether() {
    PghaConfig.Builder builder =
        PghaConfigTest.valid()
            .scope("a b")
            .etcdEndpoints("https://127.0.0.1:2379")
            .postgres(p -> p.parameter("port", "1").runAsUser(""))
            .restApi(a -> a.threads(0).authentication("admin", null))
            .prePromote(Arrays.asList("fence", ""), Duration.ofSeconds(1))
            .ttl(Duration.ofSeconds(1));

    assertThatThrownBy(builder::build)
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(
            e ->
                assertThat(((InvalidConfigurationException) e).problems())
                    .hasSize(8)
                    .allSatisfy(p -> assertThat(p).matches("^[a-z_.]+ (\\(.*\\) )?\\S.*")));
  }
}
