package io.pgha.core.dcs;

/** One key as etcd returned it, before decoding. */
record RawKeyValue(String key, String value, long createRevision, long modRevision, long lease) {}
