package io.pgha.core.postgres;

/**
 * What a stopped data directory says of itself ({@code pg_controldata}).
 *
 * @param lastRunAsPrimary it was last used read-write (state {@code in production} or {@code shut
 *     down}), so it may hold WAL a new leader never had
 * @param timeline the timeline it reached: its latest checkpoint's, or on a standby the minimum
 *     recovery end's when later
 * @param systemIdentifier the database system identifier
 */
public record StoredState(boolean lastRunAsPrimary, int timeline, String systemIdentifier) {}
