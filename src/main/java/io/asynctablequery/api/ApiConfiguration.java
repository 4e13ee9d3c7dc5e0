package io.asynctablequery.api;

import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.query.Checkpoints;
import io.asynctablequery.jobs.JobWatchers;
import io.asynctablequery.jobs.Shutdown;
import io.asynctablequery.json.Json;
import io.asynctablequery.monitor.MonitorPage;
import io.asynctablequery.observability.MetricsRegistry;
import io.asynctablequery.schedules.Scheduler;
import io.asynctablequery.schedules.Schedules;
import io.asynctablequery.settings.Settings;
import io.asynctablequery.summaries.SummaryBlobs;
import io.asynctablequery.threads.ThreadPools;
import io.asynctablequery.webhooks.CallbackPolicy;
import io.vertx.core.VertxOptions;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.Registry;

/**
 * The HTTP API (SPEC §1, §2, §6, §7, §17, §18): the beans its routes call, the routing engine that holds waits without a
 * thread, the HTTP server's worker threads, and the deadlines of its connections. Routes start on Vert.x worker threads
 * ({@code api.http-worker-threads}: their first steps may read storage); a held wait holds none.
 */
public class ApiConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = Settings.of(context);
        Registry registry = context.getRegistry();
        registry.bind(Json.BEAN, Json.MAPPER); // the routes' json data format takes it (objectMapper: jsonMapper)
        registry.bind("vertxOptions", new VertxOptions()
                .setWorkerPoolSize(settings.number("api.http-worker-threads", 1)));
        registry.bind("platform-http-engine", new AsyncRoutingEngine(settings.number("camel.server.port", 0)));

        JobStore store = registry.lookupByNameAndType("jobStore", JobStore.class);
        JobWatchers watchers = registry.lookupByNameAndType("jobWatchers", JobWatchers.class);
        int retryAfter = settings.number("api.retry-after", 0);
        Links links = new Links(settings.optionalText("api.public-base-url"),
                settings.flag("api.trust-forwarded-headers"));
        // Where a submit's callbackUrl may point (SPEC §7); the webhooks deliver under the same policy.
        CallbackPolicy callbacks = new CallbackPolicy(settings.optionalText("api.callback-allowed-hosts"));
        registry.bind("callbackPolicy", callbacks);
        DateRanges dateRanges = new DateRanges(settings.number("audit.max-range-days", 1));
        registry.bind("submitRequests", new SubmitRequests(dateRanges, callbacks, links));
        registry.bind("summaryApi", new SummaryApi(dateRanges,
                registry.lookupByNameAndType("summaryBlobs", SummaryBlobs.class)));
        JobApi jobApi = new JobApi(store, registry.lookupByNameAndType("instanceShutdown", Shutdown.class),
                retryAfter, settings.number("jobs.max-pending-per-caller", 0));
        registry.bind("jobApi", jobApi);
        registry.bind("jobControls", new JobControls(jobApi, store,
                registry.lookupByNameAndType("checkpoints", Checkpoints.class), retryAfter));
        registry.bind("jobListing", new JobListing(store));
        registry.bind("scheduleApi", new ScheduleApi(registry.lookupByNameAndType("schedules", Schedules.class),
                registry.lookupByNameAndType("scheduler", Scheduler.class), new ScheduleRequests(dateRanges, callbacks,
                settings.duration("schedules.min-interval")), store, jobApi, links));
        registry.bind("longPoll", new LongPoll(watchers, settings.number("api.max-wait", 0)));
        registry.bind("eventStream", new EventStream(watchers, retryAfter,
                ThreadPools.of(context).scheduled(EventStream.class, "event-stream-keep-alive")));
        registry.bind("jobResponses", new JobResponses(links, retryAfter));
        registry.bind("problemResponses", new ProblemResponses(retryAfter));
        registry.bind("openApiDocument", new OpenApiDocument());
        registry.bind("monitorPage", new MonitorPage());
        // Clients that never finish a request (SPEC §18), on the API's and the management server's connections
        ConnectionTimeouts timeouts = new ConnectionTimeouts(settings.duration("api.request-head-timeout"),
                settings.duration("api.idle-timeout"), MetricsRegistry.of(registry));
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // the problem handlers go in once every route is there
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                RouterProblems.install(started);
                timeouts.install(started);
            }
        });
    }
}
