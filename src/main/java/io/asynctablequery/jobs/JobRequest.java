package io.asynctablequery.jobs;

import io.asynctablequery.query.DayRange;

/**
 * What a submit fixes for the whole life of a job.
 *
 * @param input          the day range to count
 * @param fresh          {@code fresh=true}: every day read from the table, none from its summary
 * @param owner          who submitted it (a key's name or a token's oid); null when the API is anonymous
 * @param idempotencyKey the submit's {@code Idempotency-Key}; as the store keeps it, scoped to its owner
 * @param callbackUrl    where its webhook goes when it finishes; null for none
 * @param linkBase       scheme and host of the submit request's links, kept for its webhook's {@code source};
 *                       null without a callback
 * @param occurrence     the schedule and occurrence a schedule's job was made for; null for a submitted job
 * @param trace          the trace its submit ran in (SPEC §16); null when tracing is off or it had no span
 */
public record JobRequest(DayRange input, boolean fresh, String owner, String idempotencyKey, String callbackUrl,
                         String linkBase, Occurrence occurrence, JobTrace trace) {

    /** A request made in no trace. */
    public JobRequest(DayRange input, boolean fresh, String owner, String idempotencyKey, String callbackUrl,
                      String linkBase, Occurrence occurrence) {
        this(input, fresh, owner, idempotencyKey, callbackUrl, linkBase, occurrence, null);
    }

    /** A submitted job's request (no schedule made it). */
    public JobRequest(DayRange input, boolean fresh, String owner, String idempotencyKey, String callbackUrl,
                      String linkBase) {
        this(input, fresh, owner, idempotencyKey, callbackUrl, linkBase, null, null);
    }

    /** As the store keeps it: the key scoped to the owner (two callers' equal keys name two jobs), no link base
     * without a callback. */
    JobRequest asStored() {
        return new JobRequest(input, fresh, owner, idempotencyKey == null || owner == null ? idempotencyKey
                : owner + "\n" + idempotencyKey, callbackUrl, callbackUrl == null ? null : linkBase, occurrence, trace);
    }
}
