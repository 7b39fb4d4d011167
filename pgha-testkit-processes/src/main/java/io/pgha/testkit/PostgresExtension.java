package io.pgha.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own {@link LocalPostgres} servers (independent, not replicating). On a
 * static field they live for the whole class; on an instance field, for each test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension PG = PostgresExtension.instances(1).parameter("wal_level", "logical");
 *
 * @Test void test() throws SQLException { try (Connection c = PG.instance(0).connect()) { ... } }
 * }</pre>
 */
public final class PostgresExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private static final int MAX_NAME_PREFIX = 30;

  private final int count;
  private final Map<String, String> parameters = new LinkedHashMap<>();
  private volatile List<LocalPostgres> instances;
  private boolean perTest;

  private PostgresExtension(int count) {
    this.count = count;
  }

  /**
   * An extension that starts {@code count} servers.
   *
   * @param count 1 to 5
   */
  public static PostgresExtension instances(int count) {
    if (count < 1 || count > 5) {
      throw new IllegalArgumentException("instances (" + count + ") must be in 1..5");
    }
    return new PostgresExtension(count);
  }

  /** Sets a server parameter on every instance (see {@link LocalPostgres.Builder#parameter}). */
  public PostgresExtension parameter(String key, String value) {
    LocalPostgres.Builder.checkParameter(key, value);
    parameters.put(key, value);
    return this;
  }

  /**
   * The running server at {@code index}.
   *
   * @throws IllegalStateException outside the tests of the class that registered the extension
   * @throws IllegalArgumentException if there is no such instance
   */
  public LocalPostgres instance(int index) {
    List<LocalPostgres> current = instances();
    if (index < 0 || index >= current.size()) {
      throw new IllegalArgumentException(
          "instance index (" + index + ") must be in [0, " + (current.size() - 1) + "]");
    }
    return current.get(index);
  }

  /** All running servers, in order. */
  public List<LocalPostgres> instances() {
    List<LocalPostgres> current = instances;
    if (current == null) {
      throw new IllegalStateException(
          "PostgreSQL is not running: register PostgresExtension with @RegisterExtension and use"
              + " it from a test or a @BeforeEach/@AfterEach method");
    }
    return current;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    instances = startAll(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeAll();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (instances == null) {
      perTest = true;
      instances = startAll(context);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (perTest) {
      perTest = false;
      closeAll();
    }
  }

  private List<LocalPostgres> startAll(ExtensionContext context) {
    String prefix = context.getRequiredTestClass().getSimpleName();
    prefix = prefix.substring(0, Math.min(prefix.length(), MAX_NAME_PREFIX));
    List<LocalPostgres> started = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        LocalPostgres.Builder builder = LocalPostgres.builder(prefix + "-" + i);
        parameters.forEach(builder::parameter);
        started.add(builder.start());
      }
      return List.copyOf(started);
    } catch (RuntimeException e) {
      started.forEach(LocalPostgres::close);
      throw e;
    }
  }

  private void closeAll() {
    List<LocalPostgres> current = instances;
    instances = null;
    if (current == null) {
      return;
    }
    RuntimeException failure = null;
    for (LocalPostgres postgres : current) {
      try {
        postgres.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
