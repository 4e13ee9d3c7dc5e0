package io.asynctablequery.jobs;

import io.asynctablequery.query.Progress;
import java.time.Duration;
import java.time.Instant;

/**
 * Where a job is: its status, how far its scan has come, how it ended, and when.
 *
 * @param outcome         set once the job has finished (null before)
 * @param startedTime     when its current (or last) run began; null before its first
 * @param lastUpdatedTime its last change
 * @param ranBefore       how long its earlier runs ran (before a hand-back, a take-over or a suspend): the job
 *                        timeout counts running time only
 */
public record JobState(JobStatus status, Progress progress, JobOutcome outcome, Instant createdTime,
                       Instant startedTime, Instant lastUpdatedTime, Duration ranBefore) {

    /** Submitted, not started. */
    static JobState pending(int days, Instant now) {
        return new JobState(JobStatus.Pending, Progress.notStarted(days), null, now, null, now, Duration.ZERO);
    }

    /** A run begins at {@code now}, its progress from nothing; {@code ran}: the running time before it. */
    JobState run(int days, Duration ran, Instant now) {
        return new JobState(JobStatus.Running, Progress.notStarted(days), null, createdTime, now, now, ran);
    }

    /** Waiting (Pending or Suspended), the time run so far kept, the progress shown as it was. */
    JobState waiting(JobStatus waitStatus, Duration ran, Instant now) {
        return new JobState(waitStatus, progress, null, createdTime, startedTime, now, ran);
    }

    /** From the start again: nothing done, nothing run, no outcome. */
    JobState fromStart(int days, Instant now) {
        return new JobState(JobStatus.Pending, Progress.notStarted(days), null, createdTime, null, now, Duration.ZERO);
    }

    JobState progressed(Progress newProgress, Instant now) {
        return new JobState(status, newProgress, outcome, createdTime, startedTime, now, ranBefore);
    }

    JobState ended(JobStatus endStatus, Progress finalProgress, JobOutcome how, Instant now) {
        return new JobState(endStatus, finalProgress, how, createdTime, startedTime, now, ranBefore);
    }

    /** The running time of all its runs, the current one counted up to {@code until}. */
    Duration ranUntil(Instant until) {
        if (status != JobStatus.Running || startedTime == null || until.isBefore(startedTime)) {
            return ranBefore;
        }
        return ranBefore.plus(Duration.between(startedTime, until));
    }
}
