package io.asynctablequery.jobs;

import io.asynctablequery.query.Progress;
import java.time.Instant;

/**
 * Where a job is: its status, how far its scan has come, how it ended, and when.
 *
 * @param outcome         set once the job has finished (null before)
 * @param startedTime     when a worker began running it (the job timeout counts from here); null before
 * @param lastUpdatedTime its last change
 */
public record JobState(JobStatus status, Progress progress, JobOutcome outcome, Instant createdTime,
                       Instant startedTime, Instant lastUpdatedTime) {

    /** Submitted, not started. */
    static JobState pending(int days, Instant now) {
        return new JobState(JobStatus.Pending, Progress.notStarted(days), null, now, null, now);
    }

    /** A run begins (or the job waits for one again: {@code startedTime} null), its progress from nothing. */
    JobState run(JobStatus runStatus, int days, Instant started, Instant now) {
        return new JobState(runStatus, Progress.notStarted(days), null, createdTime, started, now);
    }

    JobState progressed(Progress newProgress, Instant now) {
        return new JobState(status, newProgress, outcome, createdTime, startedTime, now);
    }

    JobState ended(JobStatus endStatus, Progress finalProgress, JobOutcome how, Instant now) {
        return new JobState(endStatus, finalProgress, how, createdTime, startedTime, now);
    }
}
