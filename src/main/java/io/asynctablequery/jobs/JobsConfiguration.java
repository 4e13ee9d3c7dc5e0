package io.asynctablequery.jobs;

import com.azure.data.tables.TableServiceClient;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import io.asynctablequery.query.AuditQuery;
import io.asynctablequery.query.Checkpoints;
import io.asynctablequery.settings.Settings;
import io.asynctablequery.storage.StorageClients;
import io.asynctablequery.storage.StorageDeadline;
import io.asynctablequery.storage.StorageSetup;
import io.asynctablequery.threads.ThreadPools;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Jobs (SPEC §3, §4): the store ({@code jobStore}, in memory or in the job table), the watchers of held waits
 * ({@code jobWatchers}), the worker ({@code jobRunner}), the start-up resume ({@code unfinishedJobs}), what a
 * stopping instance does with its jobs ({@code instanceShutdown}, the state everyone asks), and with
 * the Azure Storage Queue its client ({@code queueServiceClient}, which the queue component takes), the leases
 * of the messages being run and the workers' pool.
 */
public class JobsConfiguration implements CamelConfiguration {

    /** How often a shared store is read for a wait on a job that another instance may finish, or terminate. */
    private static final Duration SHARED_STORE_CHECK = Duration.ofSeconds(1);

    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        Registry registry = context.getRegistry();
        JobModes modes = JobModes.from(settings);
        Duration storageTimeout = settings.duration("api.storage-timeout");
        StorageSetup setup = registry.lookupByNameAndType("storageSetup", StorageSetup.class);

        String jobTable = settings.text("jobs.table-name");
        JobRepository repository;
        if (modes.sharedStore()) {
            TableServiceClient tables = registry.lookupByNameAndType("tableServiceClient", TableServiceClient.class);
            setup.add("table " + jobTable, () -> tables.createTableIfNotExists(jobTable));
            repository = new TableJobRepository(tables, jobTable, storageTimeout);
        } else {
            repository = new MemoryJobRepository();
        }
        JobStore store = new JobStore(context, repository, settings.number("jobs.max-pending", 1),
                settings.duration("jobs.retention"), Clock.systemUTC());
        Duration sharedCheck = modes.sharedStore() ? SHARED_STORE_CHECK : Duration.ZERO;
        ThreadPools threads = ThreadPools.of(context);
        JobWatchers watchers = new JobWatchers(settings.number("api.max-waits", 0), sharedCheck, store::find,
                threads.scheduled(JobWatchers.class, "job-watch-timer"),
                threads.fixed(JobWatchers.class, "job-watch-wakeup", 2));
        store.addListener(watchers);
        Shutdown shutdown = new Shutdown(registry.lookupByNameAndType("storageDeadline", StorageDeadline.class));
        Checkpoints checkpoints = registry.lookupByNameAndType("checkpoints", Checkpoints.class);
        if (checkpoints != Checkpoints.NONE) {
            store.addListener(new CheckpointRemoval(checkpoints,
                    threads.fixed(CheckpointRemoval.class, "checkpoint-removal", 1)));
        }
        JobRunner runner = new JobRunner(store, registry.lookupByNameAndType("auditQuery", AuditQuery.class),
                checkpoints, shutdown, settings.duration("jobs.timeout"), sharedCheck, modes.queue(),
                modes.sharedStore(), settings.duration("jobs.storage-outage-tolerance"));
        registry.bind("jobStore", store);
        registry.bind("jobWatchers", watchers);
        registry.bind("jobRunner", runner);
        registry.bind("instanceShutdown", shutdown);
        registry.bind("unfinishedJobs", new UnfinishedJobs(store, runner));

        GracefulShutdown graceful = new GracefulShutdown(shutdown, runner, watchers,
                settings.duration("jobs.shutdown-grace"), storageTimeout);
        context.getManagementStrategy().addEventNotifier(graceful);
        context.getShutdownStrategy().setTimeUnit(TimeUnit.MILLISECONDS);
        context.getShutdownStrategy().setTimeout(graceful.total().toMillis());

        if (modes.queue()) {
            bindJobQueue(context, settings, modes, setup, shutdown);
        }
    }

    /**
     * The job queue and its poison queue (created at start), the client the queue component is autowired with,
     * the leases of the messages being run, and the pool on which the consumer's {@code jobs.workers} polling
     * tasks run, one job each at a time.
     */
    private static void bindJobQueue(CamelContext context, Settings settings, JobModes modes, StorageSetup setup,
                                     Shutdown shutdown) {
        Registry registry = context.getRegistry();
        QueueServiceClient queues = registry.lookupByNameAndType("storageClients", StorageClients.class)
                .queues(settings.duration("api.storage-timeout"), settings.number("azure.storage.max-retries", 0));
        String queueName = settings.text("jobs.queue-name");
        QueueClient jobQueue = queues.getQueueClient(queueName);
        setup.add("queue " + queueName, jobQueue::createIfNotExists);
        setup.add("queue " + queueName + "-poison", queues.getQueueClient(queueName + "-poison")::createIfNotExists);
        registry.bind("queueServiceClient", queues);
        registry.bind("queueLeases", new QueueLeases(jobQueue, settings.duration("jobs.queue-visibility-timeout"),
                shutdown, ThreadPools.of(context).scheduled(QueueLeases.class, "queue-lease")));
        registry.bind("queueConsumerErrors", new QueueConsumerErrors());
        if (modes.workers() > 0) {
            registry.bind("jobQueueWorkers", context.getExecutorServiceManager()
                    .newScheduledThreadPool(JobsConfiguration.class, "job-queue-worker", modes.workers()));
        }
    }
}
