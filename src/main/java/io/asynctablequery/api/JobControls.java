package io.asynctablequery.api;

import io.asynctablequery.auth.Caller;
import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.jobs.JobTicket;
import io.asynctablequery.query.Checkpoints;
import java.util.Map;

/**
 * Durable Functions' management of one job beyond terminate (SPEC §15): suspend, resume, rewind and restart, with the
 * status codes of Durable's HTTP API: 404 for an unknown id (or another caller's: the owner or an admin acts, as for
 * terminate), 410 to suspend or resume a finished job, 412 to rewind a job that is not Failed, and, ours, 409 to
 * restart one that is not finished. Suspending a Suspended job or resuming one that is not Suspended changes nothing
 * and answers 202, as Durable does. A job made Pending again goes back to the job queue ({@code direct:requeue-job});
 * when the queue does not take it, {@link #undo} puts it back as it was and answers 503.
 */
public class JobControls {

    /** A reason longer than this is refused (400), never cut. */
    static final int MAX_REASON_LENGTH = 500;

    /** A job to queue again: as it was ({@code before}; null for a job a restart created) and as it is now. */
    public record Requeue(Job before, Job after) {
        /** What goes to the job queue. */
        public JobTicket ticket() {
            return JobTicket.of(after);
        }
    }

    private final JobApi jobs;
    private final JobStore store;
    private final Checkpoints checkpoints;
    private final int retryAfterSeconds;

    public JobControls(JobApi jobs, JobStore store, Checkpoints checkpoints, int retryAfterSeconds) {
        this.jobs = jobs;
        this.store = store;
        this.checkpoints = checkpoints;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Pending or Running to Suspended: a running scan stops within a page and frees its worker. */
    public void suspend(String id, Object reason, Caller caller) {
        jobs.find(id, caller);
        String why = JobApi.reason(reason, MAX_REASON_LENGTH);
        JobStore.Change change = store.suspend(id, why).orElseThrow(ApiException::notFound);
        refuseFinished(change.before(), "suspended");
    }

    /** Suspended to Pending, queued to run on from its checkpoint; null (nothing to queue) when not Suspended. */
    public Requeue resume(String id, Object reason, Caller caller) {
        jobs.find(id, caller);
        String why = JobApi.reason(reason, MAX_REASON_LENGTH);
        jobs.accepting(); // a Suspended job counts among the unfinished already: only a stopping instance refuses
        JobStore.Change change = store.resume(id, why).orElseThrow(ApiException::notFound);
        refuseFinished(change.before(), "resumed");
        return change.changed() ? new Requeue(change.before(), change.after()) : null;
    }

    /** Failed to Pending, queued to run again from its checkpoint: the days it finished are not read again. */
    public Requeue rewind(String id, Object reason, Caller caller) {
        jobs.find(id, caller);
        String why = JobApi.reason(reason, MAX_REASON_LENGTH);
        jobs.accepting(); // the job counted among the caller's before it failed; the instance must be taking jobs
        JobStore.Change change = store.rewind(id, why).orElseThrow(ApiException::notFound);
        if (!change.changed()) {
            throw new ApiException(412, "Job is " + change.before().status() + "; only a Failed job can be rewound.");
        }
        return new Requeue(change.before(), change.after());
    }

    /**
     * A finished job's input again, from the start: as a new job (the default, as Durable), or under the same id
     * (its result, history of the run and checkpoint replaced).
     */
    public Requeue restart(String id, Object restartWithNewInstanceId, Caller caller) {
        Job job = jobs.find(id, caller);
        boolean newId = newInstanceId(restartWithNewInstanceId);
        if (!job.status().isFinished()) {
            throw new ApiException(409, "Job is " + job.status() + "; only a finished job can be restarted.");
        }
        jobs.admit(caller);
        if (newId) {
            return new Requeue(null, store.submitAgain(job).orElseThrow(jobs::full).job());
        }
        checkpoints.remove(id);
        JobStore.Change change = store.restart(id).orElseThrow(ApiException::notFound);
        if (!change.changed()) {
            throw new ApiException(409, "Job is " + change.before().status() + "; only a finished job can be "
                    + "restarted.");
        }
        return new Requeue(change.before(), change.after());
    }

    /** The job queue did not take the job: it is put back as it was (a new one removed), and the caller told. */
    public void undo(Requeue requeue) {
        if (requeue.before() == null) {
            store.abandon(requeue.after());
        } else {
            store.undo(requeue.before(), requeue.after());
        }
        throw new ApiException(503, "The job could not be queued; try again later.",
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    private static void refuseFinished(Job before, String what) {
        if (before.status().isFinished()) {
            throw new ApiException(410, "Job already " + before.status() + "; it cannot be " + what + ".");
        }
    }

    private static boolean newInstanceId(Object value) {
        if (value == null) {
            return true;
        }
        if (value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(text);
        }
        throw new ApiException(400, "Invalid restartWithNewInstanceId: use true or false.");
    }
}
