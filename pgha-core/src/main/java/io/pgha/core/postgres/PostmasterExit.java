package io.pgha.core.postgres;

/**
 * A postmaster started by pgha has exited.
 *
 * @param pid the process id of the postmaster
 * @param exitCode its exit status as the JVM saw it (-1 when unknown)
 * @param requested true when pgha asked it to stop; false means a crash or an outside kill
 */
public record PostmasterExit(long pid, int exitCode, boolean requested) {}
