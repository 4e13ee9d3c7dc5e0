package io.asynctablequery.jobs;

/** What became of a job ticket the worker took: what the queue does with its message follows from it. */
public enum RunOutcome {
    /** The job's outcome was written, or it was not to be run (finished, purged, running elsewhere). */
    DONE,
    /** The instance is stopping and the job is Pending again: its queue message is to be visible at once. */
    HANDED_BACK
}
