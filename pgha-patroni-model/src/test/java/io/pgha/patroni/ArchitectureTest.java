package io.pgha.patroni;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the model small enough for both the agent and the client to depend on. */
class ArchitectureTest {

  private static final JavaClasses MODEL =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.pgha.patroni");

  @Test
  void dependsOnNothingOfPghaNorOnEtcdOrJdbc() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.pgha.core..", "io.pgha.jdbc..", "io.etcd..", "java.sql..")
        .because(
            "pgha-jdbc reads Patroni's format through the model and must not pull the agent in")
        .check(MODEL);
  }
}
