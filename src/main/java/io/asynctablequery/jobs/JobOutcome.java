package io.asynctablequery.jobs;

/** How a job ended: its count, its failure or why it was terminated. */
public sealed interface JobOutcome {

    /** Durable Functions' {@code output}: the count, the failure message or the termination reason. */
    Object output();

    /** Completed: the distinct count. */
    record Count(long distinct) implements JobOutcome {
        @Override
        public Object output() {
            return distinct;
        }
    }

    /** Failed, with the code and message clients see. */
    record Failure(JobError error) implements JobOutcome {
        @Override
        public Object output() {
            return error.message();
        }
    }

    /** Terminated, with the caller's reason. */
    record Termination(String reason) implements JobOutcome {
        @Override
        public Object output() {
            return reason;
        }
    }
}
