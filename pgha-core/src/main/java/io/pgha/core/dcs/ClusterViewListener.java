package io.pgha.core.dcs;

/**
 * Hears about every new cluster snapshot. Called on one notification thread, in order; a listener
 * that throws is logged and keeps receiving later changes.
 */
@FunctionalInterface
public interface ClusterViewListener {
  void onViewChange(ViewChange change);
}
