package io.pgha.core;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Keeps the layering of pgha-core true as it grows. */
class ArchitectureTest {

  private static final String HA = "io.pgha.core.ha..";

  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.pgha.core");

  @Test
  void theDecisionStaysPure() {
    // No etcd, JDBC, logging or process types: decide() is a function of its inputs only.
    classes()
        .that()
        .resideInAPackage(HA)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(HA, "io.pgha.patroni..", "io.pgha.core.config..", "java..")
        .because("the HA decision must be unit-testable without etcd or PostgreSQL")
        .check(CORE);
  }

  @Test
  void theDecisionDoesNoInputOutputAndStartsNoThread() {
    DescribedPredicate<JavaClass> effects =
        resideInAnyPackage(
                "java.io..",
                "java.net..",
                "java.nio..",
                "java.sql..",
                "java.lang.reflect..",
                "java.util.concurrent..")
            .or(equivalentTo(Thread.class))
            .or(equivalentTo(ThreadLocal.class))
            .or(equivalentTo(Runtime.class))
            .or(equivalentTo(ProcessBuilder.class))
            .and(not(equivalentTo(TimeUnit.class)))
            .as("do I/O, networking, JDBC, reflection, threads, executors or processes");
    noClasses()
        .that()
        .resideInAPackage(HA)
        .should()
        .dependOnClassesThat(effects)
        .because("the decision is a pure function: the loop observes, the executor acts")
        .check(CORE);
  }

  @Test
  void theDecisionReadsNoClock() {
    DescribedPredicate<JavaMethodCall> readsAClock =
        new DescribedPredicate<>("reads a clock") {
          @Override
          public boolean test(JavaMethodCall call) {
            String owner = call.getTargetOwner().getName();
            String method = call.getName();
            return (owner.equals(System.class.getName())
                    && (method.equals("nanoTime") || method.equals("currentTimeMillis")))
                || (owner.startsWith("java.time.") && method.equals("now"));
          }
        };
    noClasses()
        .that()
        .resideInAPackage(HA)
        .should()
        .callMethodWhere(readsAClock)
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(java.time.Clock.class, java.time.InstantSource.class)
        .because("the loop reads the time once and passes it in")
        .check(CORE);
  }

  @Test
  void theEtcdLayerKnowsNothingOfPostgres() {
    noClasses()
        .that()
        .resideInAPackage("io.pgha.core.dcs..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pgha.core.postgres..")
        .check(CORE);
  }

  @Test
  void thePostgresLayerKnowsNothingOfEtcd() {
    noClasses()
        .that()
        .resideInAPackage("io.pgha.core.postgres..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pgha.core.dcs..")
        .check(CORE);
  }

  @Test
  void theApiDoesNotReachIntoTheAgent() {
    noClasses()
        .that()
        .resideInAPackage("io.pgha.core.api..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pgha.core.agent..")
        .because("the API serves snapshots and forwards requests through its own interfaces")
        .check(CORE);
  }

  @Test
  void noPackageCyclesRootIncluded() {
    slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(CORE);
  }

  /** One slice per package under io.pgha.core, and one for io.pgha.core itself. */
  private static final SliceAssignment PACKAGES =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          String pkg = javaClass.getPackageName();
          if (pkg.equals("io.pgha.core")) {
            return SliceIdentifier.of("(root)");
          }
          if (pkg.startsWith("io.pgha.core.")) {
            return SliceIdentifier.of(pkg.substring("io.pgha.core.".length()).split("\\.")[0]);
          }
          return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "the packages of pgha-core, its root package included";
        }
      };
}
