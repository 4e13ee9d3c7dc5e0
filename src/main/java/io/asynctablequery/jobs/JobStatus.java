package io.asynctablequery.jobs;

/** The Durable Functions runtime status of a job, and its name in the Azure REST API guidelines. */
public enum JobStatus {
    Pending("NotStarted"),
    Running("Running"),
    /** Stopped by a caller until resumed; not finished, so pollers go on polling (the operation shows Running). */
    Suspended("Running"),
    Completed("Succeeded"),
    Failed("Failed"),
    Terminated("Canceled");

    private final String operationStatus;

    JobStatus(String operationStatus) {
        this.operationStatus = operationStatus;
    }

    public boolean isFinished() {
        return this == Completed || this == Failed || this == Terminated;
    }

    /** The status of the Azure-guidelines operation monitor. */
    public String operationStatus() {
        return operationStatus;
    }
}
