package io.pgha.core.ha;

import io.pgha.core.config.StandbyCluster;
import java.util.Objects;

/**
 * What a standby cluster's steps ({@link ActionKind#BOOTSTRAP_STANDBY}, {@link
 * ActionKind#START_AS_STANDBY_LEADER}, {@link ActionKind#FOLLOW_PRIMARY_CLUSTER}) follow: the
 * {@code standby_cluster} section naming the primary cluster.
 *
 * @param section the section, as it can be followed
 */
public record PrimaryCluster(StandbyCluster section) implements Action.Payload {
  public PrimaryCluster {
    Objects.requireNonNull(section, "section");
  }
}
