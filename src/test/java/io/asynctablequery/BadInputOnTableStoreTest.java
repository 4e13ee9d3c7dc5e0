package io.asynctablequery;

import java.util.Properties;

/** Every refusal again with the job table: a refused request leaves no row behind either. */
class BadInputOnTableStoreTest extends BadInputTest {

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.store", "table");
        properties.setProperty("jobs.table-name", "badinputjobs");
    }
}
