package io.asynctablequery.jobs;

import io.asynctablequery.query.DayRange;
import io.asynctablequery.query.Progress;
import java.time.Instant;
import java.util.Objects;

/**
 * One audit query job, as kept in the job store: what its submit fixed, where it is, and how its webhook's
 * delivery went. Immutable: every change makes a new record, which the store writes with an optimistic lock.
 *
 * @param callback how the webhook's delivery went so far; null before the job finished
 */
public record Job(String id, JobRequest request, JobState state, CallbackDelivery callback) {

    /** A job just submitted. */
    public static Job pending(String id, JobRequest request, Instant now) {
        return new Job(id, request, JobState.pending(request.input().days(), now), null);
    }

    /** Claimed by a worker; a job taken over after its worker died starts again from nothing. */
    public Job running(Instant now) {
        return with(state.run(JobStatus.Running, input().days(), now, now));
    }

    /** Back to Pending (handed back, or unfinished at a restart), progress reset. */
    public Job pending(Instant now) {
        return with(state.run(JobStatus.Pending, input().days(), null, now));
    }

    public Job withProgress(Progress newProgress, Instant now) {
        return with(state.progressed(newProgress, now));
    }

    public Job completed(long count, Progress finalProgress, Instant now) {
        return with(state.ended(JobStatus.Completed, finalProgress, new JobOutcome.Count(count), now));
    }

    public Job failed(JobError failure, Instant now) {
        return with(state.ended(JobStatus.Failed, state.progress(), new JobOutcome.Failure(failure), now));
    }

    public Job terminated(String why, Instant now) {
        return with(state.ended(JobStatus.Terminated, state.progress(), new JobOutcome.Termination(why), now));
    }

    /** The webhook's delivery outcome; not a change of the job itself, so its last update time stays. */
    public Job withCallback(CallbackDelivery delivery) {
        return new Job(id, request, state, delivery);
    }

    /** Whether this job is still the run that {@code claimed} began: Running, and not claimed again since. */
    public boolean sameRunAs(Job claimed) {
        return status() == JobStatus.Running && Objects.equals(startedTime(), claimed.startedTime());
    }

    private Job with(JobState next) {
        return new Job(id, request, next, callback);
    }

    /** Durable Functions' {@code output}: the count, the failure message or the termination reason. */
    public Object output() {
        return state.outcome() == null ? null : state.outcome().output();
    }

    // What most readers want of the parts, by the names the documents use.

    public DayRange input() {
        return request.input();
    }

    public boolean fresh() {
        return request.fresh();
    }

    public String owner() {
        return request.owner();
    }

    public String idempotencyKey() {
        return request.idempotencyKey();
    }

    public String callbackUrl() {
        return request.callbackUrl();
    }

    public String linkBase() {
        return request.linkBase();
    }

    public JobStatus status() {
        return state.status();
    }

    public Progress progress() {
        return state.progress();
    }

    public Instant createdTime() {
        return state.createdTime();
    }

    public Instant startedTime() {
        return state.startedTime();
    }

    public Instant lastUpdatedTime() {
        return state.lastUpdatedTime();
    }

    /** The distinct count, once Completed. */
    public Long result() {
        return state.outcome() instanceof JobOutcome.Count count ? count.distinct() : null;
    }

    /** Why it failed, once Failed. */
    public JobError error() {
        return state.outcome() instanceof JobOutcome.Failure failure ? failure.error() : null;
    }

    /** Why it was terminated, once Terminated. */
    public String reason() {
        return state.outcome() instanceof JobOutcome.Termination termination ? termination.reason() : null;
    }
}
