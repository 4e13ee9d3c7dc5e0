package io.asynctablequery.jobs;

import java.time.Instant;

/**
 * One entry of a job's history (SPEC §15, {@code showHistory=true}): what happened, when, on which instance,
 * why (when a caller gave a reason), and how many days were done at that moment.
 *
 * @param instance the instance that acted ({@link InstanceName}); null where none did (e.g. a submit's own record
 *                 is made by the instance that took it, so it has one; a restart of the process has none)
 * @param reason   the caller's reason, or a short account of what the service did; null when there is none
 */
public record JobEvent(Type eventType, Instant timestamp, String instance, String reason, int partitionsDone) {

    /** The event types, by the names the history shows. */
    public enum Type {
        Submitted, Started, HandedBack, TakenOver, Suspended, Resumed, Rewound, Restarted, Completed, Failed,
        Terminated
    }

    /** At most this many events are kept per job: the first (its submit) and the latest. */
    public static final int MAX_PER_JOB = 100;
}
