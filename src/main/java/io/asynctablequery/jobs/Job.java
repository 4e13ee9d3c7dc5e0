package io.asynctablequery.jobs;

import io.asynctablequery.query.DayRange;
import io.asynctablequery.query.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One audit query job, as kept in the job store: what its submit fixed, where it is, how its webhook's delivery
 * went, and what happened to it. Immutable: every change makes a new record, which the store writes with an
 * optimistic lock. Each change of status adds its {@link JobEvent} to the history, naming this instance.
 *
 * @param callback how the webhook's delivery went so far; null before the job finished
 * @param history  what happened to it, oldest first, at most {@link JobEvent#MAX_PER_JOB}
 */
public record Job(String id, JobRequest request, JobState state, CallbackDelivery callback, List<JobEvent> history) {

    public Job {
        history = List.copyOf(history);
    }

    /** A job just submitted; {@code note} says where it came from (a restart of another job), or null. */
    public static Job pending(String id, JobRequest request, Instant now, String note) {
        JobState state = JobState.pending(request.input().days(), now);
        return new Job(id, request, state, null, List.of(event(JobEvent.Type.Submitted, note, state, now)));
    }

    /** Claimed by a worker: Pending to Running, its progress from nothing (days kept by a checkpoint come first). */
    public Job running(Instant now) {
        return with(state.run(input().days(), state.ranBefore(), now), JobEvent.Type.Started, null);
    }

    /**
     * Claimed again while Running: its worker died (or lost its lease). The dead run's time counts up to its last
     * write.
     */
    public Job takenOver(Instant now) {
        return with(state.run(input().days(), deadRunTime(), now), JobEvent.Type.TakenOver, null);
    }

    /** Running to Pending: the instance running it is stopping, and another (or the same, restarted) takes it. */
    public Job handedBack(Instant now) {
        return with(state.waiting(JobStatus.Pending, state.ranUntil(now), now), JobEvent.Type.HandedBack, null);
    }

    /** Running when this instance started (its instance died): Pending again, to be run from its checkpoint. */
    public Job takenOverAtStart(Instant now) {
        return with(state.waiting(JobStatus.Pending, deadRunTime(), now), JobEvent.Type.TakenOver, null);
    }

    /** Pending or Running to Suspended: its scan stops, its time stops counting. */
    public Job suspended(String reason, Instant now) {
        return with(state.waiting(JobStatus.Suspended, state.ranUntil(now), now), JobEvent.Type.Suspended, reason);
    }

    /** Suspended to Pending, to run on from its checkpoint. */
    public Job resumed(String reason, Instant now) {
        return with(state.waiting(JobStatus.Pending, state.ranBefore(), now), JobEvent.Type.Resumed, reason);
    }

    /** Failed to Pending, to run again from its checkpoint, its time from zero; its webhook fires at its new end. */
    public Job rewound(String reason, Instant now) {
        return new Job(id, request, state.waiting(JobStatus.Pending, Duration.ZERO, now), null, history)
                .withEvent(JobEvent.Type.Rewound, reason, now);
    }

    /** Finished to Pending, from the start (its checkpoint, if any, dropped by the caller). */
    public Job restarted(Instant now) {
        return new Job(id, request, state.fromStart(input().days(), now), null, history)
                .withEvent(JobEvent.Type.Restarted, null, now);
    }

    public Job withProgress(Progress newProgress, Instant now) {
        return new Job(id, request, state.progressed(newProgress, now), callback, history);
    }

    public Job completed(long count, Progress finalProgress, Instant now) {
        return with(state.ended(JobStatus.Completed, finalProgress, new JobOutcome.Count(count), now),
                JobEvent.Type.Completed, null);
    }

    public Job failed(JobError failure, Instant now) {
        return with(state.ended(JobStatus.Failed, state.progress(), new JobOutcome.Failure(failure), now),
                JobEvent.Type.Failed, failure.code());
    }

    public Job terminated(String why, Instant now) {
        return with(state.ended(JobStatus.Terminated, state.progress(), new JobOutcome.Termination(why), now),
                JobEvent.Type.Terminated, why);
    }

    /** The webhook's delivery outcome; not a change of the job itself, so its last update time stays. */
    public Job withCallback(CallbackDelivery delivery) {
        return new Job(id, request, state, delivery, history);
    }

    /** Whether this job is still the run that {@code claimed} began: Running, and not claimed again since. */
    public boolean sameRunAs(Job claimed) {
        return status() == JobStatus.Running && Objects.equals(startedTime(), claimed.startedTime());
    }

    /** The running time of all its runs, the current one up to {@code until}: what the job timeout counts. */
    public Duration ranUntil(Instant until) {
        return state.ranUntil(until);
    }

    private Duration deadRunTime() {
        Instant lastSign = state.lastUpdatedTime();
        return state.startedTime() == null || lastSign.isBefore(state.startedTime()) ? state.ranBefore()
                : state.ranBefore().plus(Duration.between(state.startedTime(), lastSign));
    }

    private Job with(JobState next, JobEvent.Type type, String reason) {
        return new Job(id, request, next, callback, history).withEvent(type, reason, next.lastUpdatedTime());
    }

    private Job withEvent(JobEvent.Type type, String reason, Instant now) {
        List<JobEvent> events = new ArrayList<>(history.size() + 1);
        events.addAll(history);
        events.add(event(type, reason, state, now));
        while (events.size() > JobEvent.MAX_PER_JOB) {
            events.remove(1); // the submit stays; the oldest after it goes
        }
        return new Job(id, request, state, callback, events);
    }

    private static JobEvent event(JobEvent.Type type, String reason, JobState state, Instant now) {
        return new JobEvent(type, now, InstanceName.NAME, reason, state.progress().partitionsDone());
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

    /** The trace its submit ran in; null without one. */
    public JobTrace trace() {
        return request.trace();
    }

    /** The schedule and occurrence it was made for; null for a submitted job. */
    public Occurrence occurrence() {
        return request.occurrence();
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
