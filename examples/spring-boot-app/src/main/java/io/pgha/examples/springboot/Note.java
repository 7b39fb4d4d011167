package io.pgha.examples.springboot;

import java.time.OffsetDateTime;

/**
 * A note.
 *
 * @param id its key
 * @param body its text
 * @param createdAt when it was written
 */
public record Note(long id, String body, OffsetDateTime createdAt) {}
