package io.asynctablequery.schedules;

import java.time.Instant;

/**
 * One schedule as kept (SPEC §17): its creator's definition, and where its occurrences stand. Immutable: every
 * change makes a new record, written with the store's optimistic lock.
 *
 * @param owner          who created it (a key's name or a token's oid); null when the API is anonymous
 * @param linkBase       scheme and host of its creation request, the {@code source} of its runs' webhooks
 * @param lastOccurrence the latest occurrence dealt with (run, skipped, buffered or missed); the creation, a replace
 *                       or an unpause moves it to that time, so that only later occurrences count
 * @param buffered       the occurrence {@code bufferOne} holds until the running job ends; null for none
 */
public record Schedule(String id, String owner, ScheduleDefinition definition, String linkBase, boolean paused,
                       Instant createdTime, Instant lastUpdatedTime, Instant lastOccurrence, Instant buffered) {

    public static Schedule created(String id, String owner, ScheduleDefinition definition, String linkBase,
                                   boolean paused, Instant now) {
        return new Schedule(id, owner, definition, linkBase, paused, now, now, now, null);
    }

    public ScheduleTiming timing() {
        return definition.timing(createdTime);
    }

    /** Its definition replaced: occurrences count from now, a buffered one is dropped. */
    public Schedule replaced(ScheduleDefinition newDefinition, boolean nowPaused, Instant now) {
        return new Schedule(id, owner, newDefinition, linkBase, nowPaused, createdTime, now, now, null);
    }

    /** Paused, or unpaused: the occurrences while it was paused do not run. */
    public Schedule withPaused(boolean nowPaused, Instant now) {
        if (paused == nowPaused) {
            return this;
        }
        return new Schedule(id, owner, definition, linkBase, nowPaused, createdTime, now,
                nowPaused ? lastOccurrence : now, buffered);
    }

    /** The occurrence dealt with; the ones before it too. */
    public Schedule occurred(Instant occurrence) {
        return new Schedule(id, owner, definition, linkBase, paused, createdTime, lastUpdatedTime,
                occurrence, buffered);
    }

    /** The occurrence dealt with by holding it for {@code bufferOne}. */
    public Schedule buffering(Instant occurrence) {
        return new Schedule(id, owner, definition, linkBase, paused, createdTime, lastUpdatedTime,
                occurrence, occurrence);
    }

    /** The buffered occurrence's run has started. */
    public Schedule bufferStarted() {
        return new Schedule(id, owner, definition, linkBase, paused, createdTime, lastUpdatedTime,
                lastOccurrence, null);
    }
}
