package io.asynctablequery.jobs;

import io.asynctablequery.query.ScanResult;

/** How a job's scan ended, for the worker to record: the second step of {@code worker.camel.yaml}. */
public sealed interface ScanOutcome {

    /** It read the whole range. */
    record Counted(ScanResult result) implements ScanOutcome {
    }

    /** It stopped before the end: the job timed out, was terminated or purged, or the instance is handing back. */
    record Stopped() implements ScanOutcome {
    }

    /** It failed as the query fails (a missing table, storage out for too long, time up). */
    record Failed(JobError error) implements ScanOutcome {
    }

    /** The worker itself failed unexpectedly. */
    record Crashed(Throwable failure) implements ScanOutcome {
    }
}
