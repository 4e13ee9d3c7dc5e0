package io.asynctablequery.jobs;

import java.time.Instant;
import java.util.Set;

/**
 * A listing of jobs: those with one of {@code statuses}, created within {@code [createdFrom, createdTo]}
 * (either may be null), of {@code owner} (null: anyone's), whose id starts with {@code idPrefix} (null: any),
 * made by the schedule {@code scheduleId} (null: any job), newest first, {@code top} at most, after the page a
 * continuation token names.
 */
public record JobQuery(Set<JobStatus> statuses, Instant createdFrom, Instant createdTo, String owner, String idPrefix,
                       int top, String continuationToken, String scheduleId) {

    /** A listing of jobs whatever made them. */
    public JobQuery(Set<JobStatus> statuses, Instant createdFrom, Instant createdTo, String owner, String idPrefix,
                    int top, String continuationToken) {
        this(statuses, createdFrom, createdTo, owner, idPrefix, top, continuationToken, null);
    }

    /** The newest {@code top} jobs of one schedule with one of the statuses. */
    public static JobQuery ofSchedule(String scheduleId, Set<JobStatus> statuses, int top) {
        return new JobQuery(statuses, null, null, null, null, top, null, scheduleId);
    }
}
