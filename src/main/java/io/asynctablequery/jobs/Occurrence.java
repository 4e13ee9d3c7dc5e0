package io.asynctablequery.jobs;

import java.time.Instant;

/**
 * What a schedule's job was made for (SPEC §17): the schedule, and the occurrence time (a triggered run's is the
 * trigger's time). Shown in the job's {@code input} as {@code scheduleId} and {@code occurrenceTime}.
 */
public record Occurrence(String scheduleId, Instant time) {
}
