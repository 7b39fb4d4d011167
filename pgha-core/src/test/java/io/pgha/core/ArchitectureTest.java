package io.pgha.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the layering of pgha-core true as it grows. */
class ArchitectureTest {

  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.pgha.core");

  @Test
  void theDecisionStaysPure() {
    // No etcd, JDBC, logging or process types: decide() is a function of its inputs only.
    classes()
        .that()
        .resideInAPackage("io.pgha.core.ha..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "io.pgha.core.ha..", "io.pgha.patroni..", "io.pgha.core.config..", "java..")
        .because("the HA decision must be unit-testable without etcd or PostgreSQL")
        .check(CORE);
  }

  @Test
  void theDecisionReadsNoClock() {
    noClasses()
        .that()
        .resideInAPackage("io.pgha.core.ha..")
        .should()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .because("the loop reads the time once and passes it in")
        .check(CORE);
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.pgha.core.(*)..").should().beFreeOfCycles().check(CORE);
  }
}
