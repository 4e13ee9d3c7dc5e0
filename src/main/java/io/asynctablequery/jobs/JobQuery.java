package io.asynctablequery.jobs;

import java.time.Instant;
import java.util.Set;

/**
 * A listing of jobs: those with one of {@code statuses}, created within {@code [createdFrom, createdTo]}
 * (either may be null), of {@code owner} (null: anyone's), whose id starts with {@code idPrefix} (null: any),
 * newest first, {@code top} at most, after the page a continuation token names.
 */
public record JobQuery(Set<JobStatus> statuses, Instant createdFrom, Instant createdTo, String owner, String idPrefix,
                       int top, String continuationToken) {
}
