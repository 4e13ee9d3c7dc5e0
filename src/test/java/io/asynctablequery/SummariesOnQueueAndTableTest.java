package io.asynctablequery;

import java.util.Properties;

/**
 * Per-day summaries again with the distributed parts: jobs on the Azure Storage Queue and in the job table
 * (where {@code fresh} and {@code partitionsFromSummaries} are kept as columns), summaries in blobs.
 */
class SummariesOnQueueAndTableTest extends SummariesTest {

    @Override
    protected void configure(Properties properties) {
        super.configure(properties);
        properties.setProperty("jobs.dispatch", "azure-storage-queue");
        properties.setProperty("jobs.store", "table");
        properties.setProperty("jobs.queue-name", "summaries-jobs");
        properties.setProperty("jobs.table-name", "summariesjobs");
        properties.setProperty("jobs.queue-poll-delay", "100");
    }
}
