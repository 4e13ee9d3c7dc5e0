package io.asynctablequery.query;

/**
 * How far a scan has come; shown as the status document's {@code customStatus}.
 *
 * @param retrying                 set while the scan waits to retry a page storage failed to serve; null otherwise
 * @param partitionsFromSummaries  day partitions answered from their summaries, not read from the table (they
 *                                 count in {@code partitionsDone}, and their entities in the entity counts)
 * @param partitionsFromCheckpoint day partitions answered from the job's own checkpoint (an earlier run of the same
 *                                 job read them), counted the same way
 */
public record Progress(int partitionsTotal, int partitionsDone, long entitiesScanned, long entitiesSkipped,
                       Retrying retrying, int partitionsFromSummaries, int partitionsFromCheckpoint) {

    /** A scan waiting out a storage failure: how many tries of the page failed so far, and the last error. */
    public record Retrying(int attempts, String lastErrorCode) {
    }

    public Progress(int partitionsTotal, int partitionsDone, long entitiesScanned, long entitiesSkipped,
                    Retrying retrying) {
        this(partitionsTotal, partitionsDone, entitiesScanned, entitiesSkipped, retrying, 0, 0);
    }

    public Progress(int partitionsTotal, int partitionsDone, long entitiesScanned, long entitiesSkipped) {
        this(partitionsTotal, partitionsDone, entitiesScanned, entitiesSkipped, null, 0, 0);
    }

    public static Progress notStarted(int partitionsTotal) {
        return new Progress(partitionsTotal, 0, 0, 0);
    }

    public int percentComplete() {
        return partitionsTotal == 0 ? 100 : (int) (partitionsDone * 100L / partitionsTotal);
    }
}
