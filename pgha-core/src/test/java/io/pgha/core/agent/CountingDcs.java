package io.pgha.core.agent;

import io.pgha.core.dcs.ClusterViewListener;
import io.pgha.core.dcs.Dcs;
import io.pgha.core.dcs.DcsException;
import io.pgha.core.dcs.LeadershipListener;
import io.pgha.core.dcs.LeaseStatus;
import io.pgha.core.dcs.LeaseTimeToLive;
import io.pgha.patroni.ClusterStatus;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.DcsKeys;
import io.pgha.patroni.DynamicConfig;
import io.pgha.patroni.FailoverRequest;
import io.pgha.patroni.HistoryEntry;
import io.pgha.patroni.Member;
import io.pgha.patroni.SyncState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/** A real {@link Dcs} that counts the HA loop's reads of etcd ({@link Dcs#refresh()}). */
final class CountingDcs implements Dcs {
  private final Dcs real;
  private final AtomicInteger refreshes = new AtomicInteger();

  CountingDcs(Dcs real) {
    this.real = real;
  }

  /** How many times {@link #refresh()} was called so far. */
  int refreshes() {
    return refreshes.get();
  }

  @Override
  public String memberName() {
    return real.memberName();
  }

  @Override
  public DcsKeys keys() {
    return real.keys();
  }

  @Override
  public ClusterView view() {
    return real.view();
  }

  @Override
  public ClusterView refresh() throws DcsException {
    refreshes.incrementAndGet();
    return real.refresh();
  }

  @Override
  public long watchRun() {
    return real.watchRun();
  }

  @Override
  public AutoCloseable subscribe(ClusterViewListener listener) {
    return real.subscribe(listener);
  }

  @Override
  public AutoCloseable onLeadershipLost(LeadershipListener listener) {
    return real.onLeadershipLost(listener);
  }

  @Override
  public LeaseStatus leaseStatus() {
    return real.leaseStatus();
  }

  @Override
  public boolean holdsLeadership() {
    return real.holdsLeadership();
  }

  @Override
  public OptionalLong leadershipConfirmedAtNanos() {
    return real.leadershipConfirmedAtNanos();
  }

  @Override
  public OptionalLong leaderKeyVacatedUntilNanos() {
    return real.leaderKeyVacatedUntilNanos();
  }

  @Override
  public boolean acquireLeader() throws DcsException {
    return real.acquireLeader();
  }

  @Override
  public boolean renewLeader() throws DcsException {
    return real.renewLeader();
  }

  @Override
  public boolean takeOverLeader(long expectedModRevision) throws DcsException {
    return real.takeOverLeader(expectedModRevision);
  }

  @Override
  public boolean takeOverFromSilentLeader(
      String leader, long leaderModRevision, long syncModRevision) throws DcsException {
    return real.takeOverFromSilentLeader(leader, leaderModRevision, syncModRevision);
  }

  @Override
  public LeaseTimeToLive leaseTimeToLive(long leaseId) throws DcsException {
    return real.leaseTimeToLive(leaseId);
  }

  @Override
  public boolean releaseLeader() throws DcsException {
    return real.releaseLeader();
  }

  @Override
  public void changeTtl(Duration ttl) throws DcsException {
    real.changeTtl(ttl);
  }

  @Override
  public void renewFast(boolean fast) {
    real.renewFast(fast);
  }

  @Override
  public boolean updateMember(Member member) throws DcsException {
    return real.updateMember(member);
  }

  @Override
  public void deleteMember() throws DcsException {
    real.deleteMember();
  }

  @Override
  public boolean claimInitialize(String value) throws DcsException {
    return real.claimInitialize(value);
  }

  @Override
  public boolean updateInitialize(String systemIdentifier, long expectedModRevision)
      throws DcsException {
    return real.updateInitialize(systemIdentifier, expectedModRevision);
  }

  @Override
  public void cancelInitialize() throws DcsException {
    real.cancelInitialize();
  }

  @Override
  public boolean writeConfig(DynamicConfig config, long expectedModRevision) throws DcsException {
    return real.writeConfig(config, expectedModRevision);
  }

  @Override
  public boolean writeFailover(FailoverRequest request, long expectedModRevision)
      throws DcsException {
    return real.writeFailover(request, expectedModRevision);
  }

  @Override
  public boolean clearFailover(long expectedModRevision) throws DcsException {
    return real.clearFailover(expectedModRevision);
  }

  @Override
  public boolean writeSync(SyncState sync, long expectedModRevision) throws DcsException {
    return real.writeSync(sync, expectedModRevision);
  }

  @Override
  public boolean clearSync(long expectedModRevision) throws DcsException {
    return real.clearSync(expectedModRevision);
  }

  @Override
  public boolean writeStatus(ClusterStatus status) throws DcsException {
    return real.writeStatus(status);
  }

  @Override
  public boolean writeHistory(List<HistoryEntry> history) throws DcsException {
    return real.writeHistory(history);
  }

  @Override
  public boolean appendHistory(HistoryEntry entry, int keepLast) throws DcsException {
    return real.appendHistory(entry, keepLast);
  }

  @Override
  public boolean writeFailsafe(Map<String, String> members) throws DcsException {
    return real.writeFailsafe(members);
  }

  @Override
  public void clearFailsafe() throws DcsException {
    real.clearFailsafe();
  }

  @Override
  public boolean announceDrain(String successor, java.time.Duration timeout) throws DcsException {
    return real.announceDrain(successor, timeout);
  }

  @Override
  public void clearDrain() throws DcsException {
    real.clearDrain();
  }

  @Override
  public void close() {
    real.close();
  }
}
