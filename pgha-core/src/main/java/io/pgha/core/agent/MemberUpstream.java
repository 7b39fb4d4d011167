package io.pgha.core.agent;

import io.pgha.core.postgres.Upstream;
import io.pgha.patroni.ClusterView;
import io.pgha.patroni.Member;

/** Where to stream or clone from: the {@code conn_url} a member publishes in etcd. */
final class MemberUpstream {
  private MemberUpstream() {}

  static Upstream of(ClusterView view, String member) {
    return view.member(member)
        .map(Member::connUrl)
        .flatMap(ConnUrl::parse)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "member " + member + " publishes no usable conn_url in etcd"));
  }
}
