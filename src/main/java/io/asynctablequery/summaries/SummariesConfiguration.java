package io.asynctablequery.summaries;

import com.azure.data.tables.TableServiceClient;
import io.asynctablequery.observability.MetricsRegistry;
import io.asynctablequery.query.AuditFilter;
import io.asynctablequery.query.SummarisedDays;
import io.asynctablequery.settings.Settings;
import io.asynctablequery.storage.StorageClients;
import io.asynctablequery.storage.StorageSetup;
import io.asynctablequery.threads.ThreadPools;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Per-day summaries (SPEC §11, {@code audit.summaries}): the container's blobs ({@code summaryBlobs}, which the
 * summaries API reads) and the days they answer for the scan ({@code summarisedDays}; none when summaries are
 * off). Each blob call is tried once, within {@code api.storage-timeout}: a job that meets a failure reads the
 * table instead.
 */
public class SummariesConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        Registry registry = context.getRegistry();
        if (!settings.flag("audit.summaries")) {
            registry.bind("summarisedDays", SummarisedDays.NONE);
            return;
        }
        String container = settings.containerName("audit.summaries.container");
        Duration storageTimeout = settings.duration("api.storage-timeout");
        StorageClients storage = registry.lookupByNameAndType("storageClients", StorageClients.class);
        TableServiceClient tables = registry.lookupByNameAndType("tableServiceClient", TableServiceClient.class);
        // A summary is valid for the query it summarises: the table, the day filter and the counted property.
        String query = new AuditFilter(settings.text("audit.required-property")).dayCondition() + "; select "
                + settings.text("audit.distinct-property");
        SummaryBlobs blobs = new SummaryBlobs(storage.blobContainer(container, storageTimeout, 0),
                tables.getAccountName(), settings.text("audit.table-name"), query, storageTimeout);
        registry.lookupByNameAndType("storageSetup", StorageSetup.class)
                .add("blob container " + blobs.containerName(), blobs::createContainerIfMissing);
        registry.bind("summaryBlobs", blobs);
        registry.bind("summarisedDays", new BlobSummarisedDays(blobs, settings.duration("audit.summaries.settled-after"),
                Clock.systemUTC(), ThreadPools.of(context).fixed(BlobSummarisedDays.class, "summary-read",
                        settings.number("audit.scan-concurrency", 1)), MetricsRegistry.of(registry)));
    }
}
