package io.pgha.jdbc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the client independent of the agent and its internals free of cycles. */
class ArchitectureTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.pgha.jdbc");

  @Test
  void neverDependsOnTheAgent() {
    noClasses().should().dependOnClassesThat().resideInAPackage("io.pgha.core..").check(CLASSES);
  }

  @Test
  void readsPatronisWireFormatOnlyThroughTheModel() {
    // One decoder of Patroni's keys and API, the agent's: pgha-patroni-model.
    noClasses().should().dependOnClassesThat().resideInAPackage("tools.jackson..").check(CLASSES);
    classes()
        .that()
        .haveSimpleName("PatroniKeyView")
        .or()
        .haveSimpleName("RoutingMembers")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pgha.patroni..")
        .check(CLASSES);
  }

  @Test
  void onlyTheEtcdSourceTouchesJetcd() {
    // jetcd is optional: everything else must load without it.
    noClasses()
        .that()
        .doNotHaveSimpleName("EtcdTopologySource")
        .and()
        .haveNameNotMatching("io\\.pgha\\.jdbc\\.topology\\.SharedEtcdClients(\\$.*)?")
        .and()
        .doNotHaveSimpleName("TopologySources")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.etcd..")
        .check(CLASSES);
  }

  @Test
  void onlyTheMetricsBindingTouchesMicrometer() {
    // Micrometer is optional: it is loaded only when a MeterRegistry is configured, through
    // MicrometerBinding; the public meters class lives in io.pgha.jdbc.metrics.
    noClasses()
        .that()
        .doNotHaveSimpleName("MicrometerBinding")
        .and()
        .resideOutsideOfPackage("io.pgha.jdbc.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.micrometer..", "com.zaxxer.hikari.metrics.micrometer..")
        .check(CLASSES);
  }

  @Test
  void topologyAndRoutingDoNotDependOnEachOther() {
    noClasses()
        .that()
        .resideInAPackage("io.pgha.jdbc.topology..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pgha.jdbc.routing..")
        .check(CLASSES);
  }

  @Test
  void packagesAreFreeOfCyclesRootIncluded() {
    // Matched from io.pgha so that the root package io.pgha.jdbc is a slice ("jdbc") of its own,
    // beside "jdbc.routing" and "jdbc.topology"; "io.pgha.jdbc.(**)" would leave the root out.
    slices().matching("io.pgha.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void onlyTheEntryPointsDependOnTheRootPackage() {
    // The root holds what users start from (the DataSource, its configuration, the driver, the
    // retrier); the internals get their settings as records of their own.
    noClasses()
        .that()
        .resideOutsideOfPackage("io.pgha.jdbc")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pgha.jdbc")
        .check(CLASSES);
  }
}
