package io.asynctablequery.checkpoints;

import io.asynctablequery.jobs.JobModes;
import io.asynctablequery.observability.MetricsRegistry;
import io.asynctablequery.query.Checkpoints;
import io.asynctablequery.settings.Settings;
import io.asynctablequery.storage.StorageClients;
import io.asynctablequery.storage.StorageSetup;
import io.asynctablequery.threads.ThreadPools;
import java.time.Duration;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Checkpoints (SPEC §15, {@code jobs.checkpoints}, on by default): bound as {@code checkpoints}. With the job table
 * they are blobs in {@code jobs.checkpoints.container} (created at start, as the summaries' container is), so any
 * instance resumes any job; with the memory store they are in memory, as its jobs are.
 */
public class CheckpointsConfiguration implements CamelConfiguration {

    /**
     * How long the end of a scan waits for its last records to be appended: a blob append takes milliseconds, and a
     * stopping instance's hand-back must not wait on blob storage (a record not written is a day read again).
     */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        Registry registry = context.getRegistry();
        if (!settings.flag("jobs.checkpoints")) {
            registry.bind("checkpoints", Checkpoints.NONE);
            return;
        }
        if (!JobModes.from(settings).sharedStore()) {
            registry.bind("checkpoints", new MemoryCheckpoints(MemoryCheckpoints.DEFAULT_MAX_VALUES));
            return;
        }
        String container = settings.containerName("jobs.checkpoints.container");
        Duration storageTimeout = settings.duration("api.storage-timeout");
        StorageClients storage = registry.lookupByNameAndType("storageClients", StorageClients.class);
        // A record holds the values of one table's counted property: another table's or property's is refused.
        CheckpointBlobs blobs = new CheckpointBlobs(storage.blobContainer(container, storageTimeout, 0),
                settings.text("audit.table-name") + "/" + settings.text("audit.distinct-property"), storageTimeout);
        registry.lookupByNameAndType("storageSetup", StorageSetup.class)
                .add("blob container " + blobs.containerName(), blobs::createContainerIfMissing);
        registry.bind("checkpoints", new BlobCheckpoints(blobs, ThreadPools.of(context).fixed(BlobCheckpoints.class,
                "checkpoint-write", settings.number("audit.scan-concurrency", 1)), CLOSE_WAIT,
                MetricsRegistry.of(registry)));
    }
}
