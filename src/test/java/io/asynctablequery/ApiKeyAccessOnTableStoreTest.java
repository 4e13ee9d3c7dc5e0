package io.asynctablequery;

import java.util.Properties;

/** The same access rules with the jobs in an Azure table: the owner is a column, listings filter on it. */
class ApiKeyAccessOnTableStoreTest extends ApiKeyAccessTest {

    @Override
    protected void configure(Properties properties) {
        super.configure(properties);
        properties.setProperty("jobs.store", "table");
        properties.setProperty("jobs.table-name", "jobsaccess");
    }
}
