package io.asynctablequery.jobs;

import io.asynctablequery.query.Progress;
import io.asynctablequery.query.DayRange;
import java.time.Instant;

/**
 * One audit query job, as kept in the job store. Immutable: every change makes a new record, which
 * the store writes with an optimistic lock.
 *
 * @param result         the distinct count, once Completed
 * @param error          why it failed, once Failed
 * @param reason         why it was terminated, once Terminated
 * @param idempotencyKey the submit's Idempotency-Key as stored, scoped to its owner
 * @param owner          who submitted it (a key's name or a token's oid); null when the API is anonymous
 * @param callbackUrl    where its webhook goes when it finishes; null for none
 * @param linkBase       scheme and host of the submit request's links, kept for its webhook's {@code source};
 *                       null without a callback
 * @param callback       how the webhook's delivery went so far; null before the job finished
 * @param startedTime    when a worker began running it (the job timeout counts from here)
 * @param fresh          submitted with {@code fresh=true}: every day read from the table, none from its summary
 */
public record Job(String id, DayRange input, JobStatus status, Progress progress, Long result, JobError error,
                  String reason, String idempotencyKey, String owner, String callbackUrl, String linkBase,
                  CallbackDelivery callback, Instant createdTime, Instant startedTime, Instant lastUpdatedTime,
                  boolean fresh) {

    public static Job pending(String id, DayRange input, String idempotencyKey, String owner, String callbackUrl,
                              String linkBase, Instant now) {
        return pending(id, input, false, idempotencyKey, owner, callbackUrl, linkBase, now);
    }

    public static Job pending(String id, DayRange input, boolean fresh, String idempotencyKey, String owner,
                              String callbackUrl, String linkBase, Instant now) {
        return new Job(id, input, JobStatus.Pending, Progress.notStarted(input.days()), null, null, null,
                idempotencyKey, owner, callbackUrl, linkBase, null, now, null, now, fresh);
    }

    /** Claimed by a worker; a job taken over after its worker died starts again from nothing. */
    public Job running(Instant now) {
        return new Job(id, input, JobStatus.Running, Progress.notStarted(input.days()), null, null, null,
                idempotencyKey, owner, callbackUrl, linkBase, callback, createdTime, now, now, fresh);
    }

    /** Back to Pending (after a restart), progress reset. */
    public Job pending(Instant now) {
        return new Job(id, input, JobStatus.Pending, Progress.notStarted(input.days()), null, null, null,
                idempotencyKey, owner, callbackUrl, linkBase, callback, createdTime, null, now, fresh);
    }

    public Job withProgress(Progress newProgress, Instant now) {
        return new Job(id, input, status, newProgress, result, error, reason, idempotencyKey, owner, callbackUrl,
                linkBase, callback, createdTime, startedTime, now, fresh);
    }

    public Job completed(long count, Progress finalProgress, Instant now) {
        return new Job(id, input, JobStatus.Completed, finalProgress, count, null, null, idempotencyKey, owner,
                callbackUrl, linkBase, callback, createdTime, startedTime, now, fresh);
    }

    public Job failed(JobError failure, Instant now) {
        return new Job(id, input, JobStatus.Failed, progress, null, failure, null, idempotencyKey, owner, callbackUrl,
                linkBase, callback, createdTime, startedTime, now, fresh);
    }

    public Job terminated(String why, Instant now) {
        return new Job(id, input, JobStatus.Terminated, progress, null, null, why, idempotencyKey, owner, callbackUrl,
                linkBase, callback, createdTime, startedTime, now, fresh);
    }

    /** The webhook's delivery outcome; not a change of the job itself, so its last update time stays. */
    public Job withCallback(CallbackDelivery delivery) {
        return new Job(id, input, status, progress, result, error, reason, idempotencyKey, owner, callbackUrl,
                linkBase, delivery, createdTime, startedTime, lastUpdatedTime, fresh);
    }

    /** Durable Functions' {@code output}: the count, the failure message or the termination reason. */
    public Object output() {
        return switch (status) {
            case Completed -> result;
            case Failed -> error == null ? null : error.message();
            case Terminated -> reason;
            default -> null;
        };
    }
}
