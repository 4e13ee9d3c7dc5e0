package io.asynctablequery.query;

import io.asynctablequery.settings.Settings;
import io.asynctablequery.storage.StorageClients;
import io.asynctablequery.threads.ThreadPools;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * The table-query bean ({@code auditQuery}, SPEC §5), answering the days it can from {@code summarisedDays}. Its
 * client retries nothing itself and gives each page {@code audit.page-timeout}: the scan retries a failing page
 * from where it stopped, for up to {@code jobs.storage-outage-tolerance}.
 */
public class QueryConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        Registry registry = context.getRegistry();
        StorageClients storage = registry.lookupByNameAndType("storageClients", StorageClients.class);
        ScanLimits limits = new ScanLimits(settings.number("audit.scan-concurrency", 1),
                settings.number("audit.scan-parallelism", 1), settings.number("audit.scan-slice-days", 1),
                settings.duration("jobs.storage-outage-tolerance"));
        registry.bind("auditQuery", new AuditQuery(storage.tables(settings.duration("audit.page-timeout"), 0),
                settings.text("audit.table-name"), settings.text("audit.distinct-property"),
                settings.text("audit.required-property"), limits,
                registry.lookupByNameAndType("summarisedDays", SummarisedDays.class),
                ThreadPools.of(context).cached(AuditQuery.class, "audit-scan")));
    }
}
