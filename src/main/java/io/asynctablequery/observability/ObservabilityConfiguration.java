package io.asynctablequery.observability;

import com.azure.data.tables.TableServiceClient;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import io.asynctablequery.jobs.JobModes;
import io.asynctablequery.jobs.JobRunner;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.jobs.JobWatchers;
import io.asynctablequery.query.AuditQuery;
import io.asynctablequery.settings.Settings;
import io.asynctablequery.storage.StorageClients;
import io.asynctablequery.threads.ThreadPools;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.spi.Registry;

/**
 * Operating it (SPEC §8), wired after the capabilities it watches: the readiness checks of storage (one per part,
 * cached 2 s), the {@code audit_*} meters in the registry Camel's Prometheus service serves, and the log line per
 * job state change.
 */
public class ObservabilityConfiguration implements CamelConfiguration {

    private static final Duration PROBE_CACHE = Duration.ofSeconds(2);
    private static final Duration QUEUE_DEPTH_MAX_AGE = Duration.ofSeconds(5);

    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        Registry registry = context.getRegistry();
        JobModes modes = JobModes.from(settings);
        Duration storageTimeout = settings.duration("api.storage-timeout");
        StorageClients storage = registry.lookupByNameAndType("storageClients", StorageClients.class);
        TableServiceClient tables = registry.lookupByNameAndType("tableServiceClient", TableServiceClient.class);
        ThreadPools threads = ThreadPools.of(context);
        StorageProbes probes = new StorageProbes(storageTimeout, PROBE_CACHE, storage.credentialType(),
                threads.cached(StorageProbes.class, "storage-probe"))
                .table("audit-table", tables.getTableClient(settings.text("audit.table-name")));
        if (modes.sharedStore()) {
            probes.table("job-store", tables.getTableClient(settings.text("jobs.table-name")));
        }
        storage.credential().ifPresent(credential -> probes.credential("storage-credential", credential));
        IntSupplier pending;
        if (modes.queue()) {
            QueueClient jobQueue = registry.lookupByNameAndType("queueServiceClient", QueueServiceClient.class)
                    .getQueueClient(settings.text("jobs.queue-name"));
            probes.queue("job-queue", jobQueue);
            pending = new QueueDepth(jobQueue, QUEUE_DEPTH_MAX_AGE, storageTimeout,
                    threads.fixed(QueueDepth.class, "queue-depth", 1));
        } else {
            pending = () -> context.getComponent("seda", SedaComponent.class).getQueues().entrySet().stream()
                    .filter(queue -> queue.getKey().endsWith("audit-jobs"))
                    .mapToInt(queue -> queue.getValue().getQueue().size()).sum();
        }
        for (String name : probes.names()) {
            registry.bind(name + "-health", new StorageHealthCheck(name, probes));
        }
        JobStore store = registry.lookupByNameAndType("jobStore", JobStore.class);
        store.addListener(new AuditMetrics(MetricsRegistry.of(registry),
                registry.lookupByNameAndType("jobRunner", JobRunner.class),
                registry.lookupByNameAndType("jobWatchers", JobWatchers.class),
                registry.lookupByNameAndType("auditQuery", AuditQuery.class), pending));
        store.addListener(new JobStateLog());
    }
}
