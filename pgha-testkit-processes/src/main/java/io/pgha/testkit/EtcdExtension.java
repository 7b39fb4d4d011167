package io.pgha.testkit;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own {@link LocalEtcd}. On a static field the cluster lives for the whole
 * class; on an instance field, for each test.
 *
 * <pre>{@code
 * @RegisterExtension static final EtcdExtension ETCD = EtcdExtension.members(3);
 *
 * @Test void test() { ETCD.cluster().member(0).kill(); }
 * }</pre>
 */
public final class EtcdExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final int members;
  private volatile LocalEtcd cluster;
  private boolean perTest;

  private EtcdExtension(int members) {
    this.members = members;
  }

  /**
   * An extension that starts {@code members} etcd processes.
   *
   * @param members 1 or 3
   */
  public static EtcdExtension members(int members) {
    if (members != 1 && members != 3) {
      throw new IllegalArgumentException("members (" + members + ") must be 1 or 3");
    }
    return new EtcdExtension(members);
  }

  /**
   * The running cluster.
   *
   * @throws IllegalStateException outside the tests of the class that registered the extension
   */
  public LocalEtcd cluster() {
    LocalEtcd current = cluster;
    if (current == null) {
      throw new IllegalStateException(
          "the etcd cluster is not running: register EtcdExtension with @RegisterExtension and"
              + " use it from a test or a @BeforeEach/@AfterEach method");
    }
    return current;
  }

  /** Shortcut for {@code cluster().clientEndpoints()}. */
  public List<String> clientEndpoints() {
    return cluster().clientEndpoints();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = LocalEtcd.start(members);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeCluster();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (cluster == null) {
      perTest = true;
      cluster = LocalEtcd.start(members);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (perTest) {
      perTest = false;
      closeCluster();
    }
  }

  private void closeCluster() {
    LocalEtcd current = cluster;
    cluster = null;
    if (current != null) {
      current.close();
    }
  }
}
