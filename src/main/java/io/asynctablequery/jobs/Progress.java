package io.asynctablequery.jobs;

/** How far a scan has come; shown as the status document's {@code customStatus}. */
public record Progress(int partitionsTotal, int partitionsDone, long entitiesScanned, long entitiesSkipped) {

    public static Progress notStarted(int partitionsTotal) {
        return new Progress(partitionsTotal, 0, 0, 0);
    }

    public int percentComplete() {
        return partitionsTotal == 0 ? 100 : (int) (partitionsDone * 100L / partitionsTotal);
    }
}
