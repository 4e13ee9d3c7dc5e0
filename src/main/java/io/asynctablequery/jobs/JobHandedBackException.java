package io.asynctablequery.jobs;

/**
 * A job that was not finished when its instance stopped, handed back: the queue route catches this to make
 * the job's message visible again at once, for another instance to run, by the hand-back's deadline.
 */
public class JobHandedBackException extends RuntimeException {

    private final long deadline;

    /** @param deadline {@link System#nanoTime()} by which the hand-back's writes give up */
    public JobHandedBackException(String jobId, long deadline) {
        super("Job " + jobId + " handed back: the instance is stopping", null, false, false);
        this.deadline = deadline;
    }

    public long deadline() {
        return deadline;
    }
}
