package io.asynctablequery.jobs;

/**
 * A job that was not finished when its instance stopped, set back to Pending: the queue route catches this
 * to make the job's message visible again at once, for another instance to run.
 */
public class JobHandedBackException extends RuntimeException {
    public JobHandedBackException(String jobId) {
        super("Job " + jobId + " handed back: the instance is stopping", null, false, false);
    }
}
