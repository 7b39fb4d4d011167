/** The pgha agent: leader election on etcd, PostgreSQL control and the HA loop. */
package io.pgha.core;
