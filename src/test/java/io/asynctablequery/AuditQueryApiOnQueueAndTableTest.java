package io.asynctablequery;

import java.util.Properties;

/** The whole happy path again, with the distributed parts: the Azure Storage Queue and the job table. */
class AuditQueryApiOnQueueAndTableTest extends AuditQueryApiTest {

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.dispatch", "azure-storage-queue");
        properties.setProperty("jobs.store", "table");
        properties.setProperty("jobs.queue-name", "happy-path-jobs");
        properties.setProperty("jobs.table-name", "happypathjobs");
        properties.setProperty("jobs.queue-poll-delay", "100");
    }
}
