package io.asynctablequery;

import com.azure.data.tables.TableServiceClient;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import io.asynctablequery.api.AsyncRoutingEngine;
import io.asynctablequery.api.EventStream;
import io.asynctablequery.auth.ApiKeys;
import io.asynctablequery.auth.Authentication;
import io.asynctablequery.auth.EntraTokens;
import io.asynctablequery.api.DateRanges;
import io.asynctablequery.api.JobApi;
import io.asynctablequery.api.SummaryApi;
import io.asynctablequery.api.JobResponses;
import io.asynctablequery.api.JobListing;
import io.asynctablequery.api.JobResponses;
import io.asynctablequery.api.Links;
import io.asynctablequery.api.LongPoll;
import io.asynctablequery.api.OpenApiDocument;
import io.asynctablequery.api.ProblemResponses;
import io.asynctablequery.api.RouterProblems;
import io.asynctablequery.api.SubmitRequests;
import io.asynctablequery.demo.DemoData;
import io.asynctablequery.jobs.GracefulShutdown;
import io.asynctablequery.jobs.JobRepository;
import io.asynctablequery.jobs.JobRunner;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.jobs.JobWatchers;
import io.asynctablequery.jobs.MemoryJobRepository;
import io.asynctablequery.jobs.QueueConsumerErrors;
import io.asynctablequery.jobs.QueueLeases;
import io.asynctablequery.jobs.TableJobRepository;
import io.asynctablequery.monitor.MonitorPage;
import io.asynctablequery.operations.AuditMetrics;
import io.asynctablequery.operations.JobStateLog;
import io.asynctablequery.operations.QueueDepth;
import io.asynctablequery.operations.StorageHealthCheck;
import io.asynctablequery.operations.StorageProbes;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.asynctablequery.query.AuditFilter;
import io.asynctablequery.query.AuditQuery;
import io.asynctablequery.query.SummarisedDays;
import io.asynctablequery.summaries.BlobSummarisedDays;
import io.asynctablequery.summaries.SummaryBlobs;
import io.asynctablequery.webhooks.CallbackPolicy;
import io.asynctablequery.webhooks.WebhookDeliveries;
import io.asynctablequery.webhooks.WebhookEvents;
import io.asynctablequery.webhooks.WebhookSigner;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.spi.Registry;

/**
 * Builds the beans the YAML routes call, from the properties of SPEC §4 (application.properties, -D or
 * environment variables), and binds them under the names the routes use.
 */
public class AppConfiguration implements CamelConfiguration {

    static final String SEDA = "seda";
    static final String QUEUE = "azure-storage-queue";

    @Override
    public void configure(CamelContext context) {
        Settings settings = new Settings(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        String dispatch = settings.oneOf("jobs.dispatch", SEDA, QUEUE);
        String storeKind = settings.oneOf("jobs.store", "memory", "table");
        settings.number("jobs.workers", SEDA.equals(dispatch) ? 1 : 0); // 0: an API-only instance (queue mode)
        if (QUEUE.equals(dispatch) && "memory".equals(storeKind)) {
            throw new ConfigurationException("jobs.dispatch=azure-storage-queue needs jobs.store=table: instances "
                    + "that share a queue must share their jobs too");
        }

        // Routes start on Vert.x worker threads (their first steps may read storage); a held wait holds none.
        registry.bind("vertxOptions", new VertxOptions()
                .setWorkerPoolSize(settings.number("api.http-worker-threads", 1)));
        registry.bind("platform-http-engine", new AsyncRoutingEngine(settings.number("camel.server.port", 0)));

        Duration storageTimeout = settings.duration("api.storage-timeout");
        Duration outageTolerance = settings.duration("jobs.storage-outage-tolerance");
        StorageClients storage = new StorageClients(settings);
        int maxRetries = settings.number("azure.storage.max-retries", 0);
        TableServiceClient tables = storage.tables(storageTimeout, maxRetries);
        String auditTable = settings.text("audit.table-name");
        String distinctProperty = settings.text("audit.distinct-property");
        String requiredProperty = settings.text("audit.required-property");
        boolean sharedStore = "table".equals(storeKind);
        StorageSetup setup = new StorageSetup(storage.credentialType(), storageTimeout,
                Duration.ofSeconds(5));
        PrometheusMeterRegistry metrics = metricsRegistry(registry);
        SummaryBlobs summaryBlobs = null;
        SummarisedDays summarisedDays = SummarisedDays.NONE;
        if (settings.flag("audit.summaries")) {
            // Each blob call is tried once, within api.storage-timeout: a job that meets a failure reads the table.
            String container = settings.text("audit.summaries.container");
            if (!container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
                throw new ConfigurationException("audit.summaries.container must be a blob container name (3-63 "
                        + "lower-case letters, digits and single hyphens, starting and ending with a letter or digit), "
                        + "not '" + container + "'");
            }
            summaryBlobs = new SummaryBlobs(storage.blobContainer(container,
                    storageTimeout, 0), tables.getAccountName(), auditTable,
                    new AuditFilter(requiredProperty).dayCondition() + "; select " + distinctProperty, storageTimeout);
            setup.add("blob container " + summaryBlobs.containerName(), summaryBlobs::createContainerIfMissing);
            summarisedDays = new BlobSummarisedDays(summaryBlobs, settings.duration("audit.summaries.settled-after"),
                    Clock.systemUTC(), settings.number("audit.scan-concurrency", 1), metrics);
        }
        // The scan's client retries nothing itself: the scan retries a failing page from where it stopped.
        AuditQuery auditQuery = new AuditQuery(storage.tables(settings.duration("audit.page-timeout"), 0), auditTable,
                distinctProperty, requiredProperty, settings.number("audit.scan-concurrency", 1),
                settings.number("audit.scan-parallelism", 1),
                settings.number("audit.scan-slice-days", 1), outageTolerance, summarisedDays);
        String jobTable = settings.text("jobs.table-name");
        if (sharedStore) {
            setup.add("table " + jobTable, () -> tables.createTableIfNotExists(jobTable));
        }
        JobRepository repository = sharedStore
                ? new TableJobRepository(tables, jobTable, storageTimeout)
                : new MemoryJobRepository();
        JobStore jobStore = new JobStore(context, repository, settings.number("jobs.max-pending", 1),
                settings.duration("jobs.retention"), Clock.systemUTC());
        // A shared store is read once a second for waits on jobs that another instance may finish.
        JobWatchers watchers = new JobWatchers(settings.number("api.max-waits", 0),
                sharedStore ? Duration.ofSeconds(1) : Duration.ZERO, jobStore::find);
        jobStore.addListener(watchers);
        registry.bind("jobWatchers", watchers);
        int retryAfter = settings.number("api.retry-after", 0);
        Links links = new Links(settings.optionalText("api.public-base-url"),
                settings.flag("api.trust-forwarded-headers"));

        registry.bind("auditQuery", auditQuery);
        registry.bind("jobStore", jobStore);
        // A shared store is read at most once a second per running scan to notice a terminate from any instance.
        JobRunner jobRunner = new JobRunner(jobStore, auditQuery, settings.duration("jobs.timeout"),
                sharedStore ? Duration.ofSeconds(1) : Duration.ZERO, QUEUE.equals(dispatch), sharedStore,
                outageTolerance);
        registry.bind("jobRunner", jobRunner);
        GracefulShutdown shutdown = new GracefulShutdown(jobStore, jobRunner, watchers,
                settings.duration("jobs.shutdown-grace"), storageTimeout);
        context.getManagementStrategy().addEventNotifier(shutdown);
        context.getShutdownStrategy().setTimeUnit(TimeUnit.MILLISECONDS);
        context.getShutdownStrategy().setTimeout(shutdown.total().toMillis());
        CallbackPolicy callbacks = new CallbackPolicy(settings.optionalText("api.callback-allowed-hosts"));
        DateRanges dateRanges = new DateRanges(settings.number("audit.max-range-days", 1));
        registry.bind("submitRequests", new SubmitRequests(dateRanges, callbacks));
        registry.bind("summaryApi", new SummaryApi(dateRanges, summaryBlobs));
        registry.bind("authentication", authentication(settings));
        registry.bind("jobApi", new JobApi(jobStore, retryAfter, settings.number("jobs.max-pending-per-caller", 0),
                links));
        registry.bind("jobListing", new JobListing(jobStore));
        registry.bind("longPoll", new LongPoll(watchers, settings.number("api.max-wait", 0)));
        registry.bind("eventStream", new EventStream(watchers, retryAfter));
        registry.bind("jobResponses", new JobResponses(links, retryAfter));
        registry.bind("problemResponses", new ProblemResponses(retryAfter));
        registry.bind("openApiDocument", new OpenApiDocument());
        registry.bind("monitorPage", new MonitorPage());

        if (QUEUE.equals(dispatch)) {
            QueueServiceClient queues = storage.queues(storageTimeout, maxRetries);
            String queueName = settings.text("jobs.queue-name");
            QueueClient jobQueue = queues.getQueueClient(queueName);
            setup.add("queue " + queueName, jobQueue::createIfNotExists);
            setup.add("queue " + queueName + "-poison", queues.getQueueClient(queueName + "-poison")::createIfNotExists);
            registry.bind("queueServiceClient", queues); // autowired by the azure-storage-queue component
            registry.bind("queueLeases", new QueueLeases(jobQueue, settings.duration("jobs.queue-visibility-timeout")));
            registry.bind("queueConsumerErrors", new QueueConsumerErrors());
            // The consumer's jobs.workers polling tasks run on this pool, one job each at a time.
            int workers = settings.number("jobs.workers", 0);
            if (workers > 0) {
                registry.bind("jobQueueWorkers", context.getExecutorServiceManager()
                        .newScheduledThreadPool(this, "job-queue-worker", workers));
            }
        }

        if (callbacks.allowsAny()) {
            bindWebhooks(context, settings, jobStore, callbacks, QUEUE.equals(dispatch), setup);
        }

        bindOperations(context, settings, storage, tables, storageTimeout, jobStore, watchers, jobRunner,
                auditQuery, QUEUE.equals(dispatch), metrics);
        setup.run();
        installProblemHandlersOnStart(context);
        if (settings.flag("audit.demo-data")) {
            new DemoData(tables, auditTable, distinctProperty, requiredProperty)
                    .loadIfEmpty(settings.text("camel.server.port"));
        }
    }

    /**
     * Webhooks, when callbacks may go somewhere: the finished-job hook, the signer, the deliveries (with the
     * storage queue, on a queue of their own, {@code <jobs.queue-name>-webhooks}), and the HTTP clients that
     * deliver: no redirects followed.
     */
    private static void bindWebhooks(CamelContext context, Settings settings, JobStore jobStore,
                                     CallbackPolicy callbacks, boolean queueMode, StorageSetup setup) {
        Registry registry = context.getRegistry();
        String secret = settings.optionalText("api.webhook-secret");
        if (secret.isEmpty()) {
            throw new ConfigurationException("api.callback-allowed-hosts is set: api.webhook-secret (whsec_<base64>) "
                    + "must be set too, to sign the webhooks");
        }
        WebhookEvents events = new WebhookEvents(context, registry.lookupByNameAndType("jobResponses",
                JobResponses.class));
        jobStore.addListener(events);
        registry.bind("webhookEvents", events);
        QueueClient deliveries = null;
        if (queueMode) { // the job queue's client, bound above
            deliveries = registry.lookupByNameAndType("queueServiceClient", QueueServiceClient.class)
                    .getQueueClient(settings.text("jobs.queue-name") + "-webhooks");
            setup.add("queue " + deliveries.getQueueName(), deliveries::createIfNotExists);
        }
        registry.bind("webhookDeliveries", new WebhookDeliveries(jobStore, callbacks,
                new WebhookSigner(secret), settings.duration("api.webhook-retry-for"), deliveries));
        registry.bind("webhookClient", new WebClientOptions().setFollowRedirects(false).setMaxRedirects(0));
        registry.bind("webhookTlsClient", new WebClientOptions().setFollowRedirects(false).setMaxRedirects(0)
                .setSsl(true));
    }

    /**
     * Operating it (SPEC §8): the metrics registry Camel's Prometheus service serves (with the audit_* meters),
     * the readiness checks of storage, and the log line per job state change.
     */
    private static void bindOperations(CamelContext context, Settings settings, StorageClients storage,
                                       TableServiceClient tables,
                                       Duration storageTimeout, JobStore jobStore, JobWatchers watchers,
                                       JobRunner runner, AuditQuery auditQuery, boolean queueMode,
                                       PrometheusMeterRegistry metrics) {
        Registry registry = context.getRegistry();
        StorageProbes probes = new StorageProbes(storageTimeout, Duration.ofSeconds(2), storage.credentialType())
                .table("audit-table", tables.getTableClient(settings.text("audit.table-name")));
        if ("table".equals(settings.text("jobs.store"))) {
            probes.table("job-store", tables.getTableClient(settings.text("jobs.table-name")));
        }
        storage.credential().ifPresent(credential -> probes.credential("storage-credential", credential));
        IntSupplier pending;
        if (queueMode) {
            QueueClient jobQueue = registry.lookupByNameAndType("queueServiceClient", QueueServiceClient.class)
                    .getQueueClient(settings.text("jobs.queue-name"));
            probes.queue("job-queue", jobQueue);
            pending = new QueueDepth(jobQueue, Duration.ofSeconds(5), storageTimeout);
        } else {
            pending = () -> context.getComponent("seda", SedaComponent.class).getQueues().entrySet().stream()
                    .filter(queue -> queue.getKey().endsWith("audit-jobs"))
                    .mapToInt(queue -> queue.getValue().getQueue().size()).sum();
        }
        for (String name : probes.names()) {
            registry.bind(name + "-health", new StorageHealthCheck(name, probes));
        }
        jobStore.addListener(new AuditMetrics(metrics, runner, watchers, auditQuery, pending));
        jobStore.addListener(new JobStateLog());
    }

    /** The registry Camel's Prometheus service serves: its own when it has started, else one it will take. */
    private static PrometheusMeterRegistry metricsRegistry(Registry registry) {
        PrometheusMeterRegistry metrics = registry.lookupByNameAndType("metricsRegistry", PrometheusMeterRegistry.class);
        if (metrics == null) {
            metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", metrics);
        }
        return metrics;
    }

    /** {@code api.auth}: none, api-key (the keys file) or entra-id (the issuer's keys, found by discovery). */
    private static Authentication authentication(Settings settings) {
        switch (settings.oneOf("api.auth", "none", "api-key", "entra-id")) {
            case "api-key" -> {
                String file = settings.optionalText("api.keys-file");
                if (file.isEmpty()) {
                    throw new ConfigurationException("api.auth=api-key needs api.keys-file, the file of the API keys");
                }
                return new Authentication(new ApiKeys(Path.of(file)), null);
            }
            case "entra-id" -> {
                String tenant = settings.optionalText("api.entra.tenant-id");
                String audience = settings.optionalText("api.entra.audience");
                if (tenant.isEmpty() || audience.isEmpty()) {
                    throw new ConfigurationException("api.auth=entra-id needs api.entra.tenant-id and api.entra.audience");
                }
                String metadata = settings.optionalText("api.entra.metadata-url");
                String issuer = settings.optionalText("api.entra.issuer");
                try {
                    return new Authentication(null, new EntraTokens(
                            new URL(metadata.isEmpty() ? "https://login.microsoftonline.com/" + tenant
                                    + "/v2.0/.well-known/openid-configuration" : metadata),
                            issuer.isEmpty() ? "https://login.microsoftonline.com/" + tenant + "/v2.0" : issuer,
                            audience, tenant, settings.text("api.entra.admin-role").strip(),
                            settings.duration("api.entra.key-refresh-interval")));
                } catch (MalformedURLException e) {
                    throw new ConfigurationException("api.entra.metadata-url is not a URL");
                }
            }
            default -> {
                return new Authentication(null, null);
            }
        }
    }

    private static void installProblemHandlersOnStart(CamelContext context) {
        try {
            context.addStartupListener(new StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                    RouterProblems.install(started);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
