package io.asynctablequery;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import io.asynctablequery.api.JobApi;
import io.asynctablequery.api.JobListing;
import io.asynctablequery.api.JobResponses;
import io.asynctablequery.api.Links;
import io.asynctablequery.api.LongPoll;
import io.asynctablequery.api.ProblemResponses;
import io.asynctablequery.api.RouterProblems;
import io.asynctablequery.api.SubmitRequests;
import io.asynctablequery.demo.DemoData;
import io.asynctablequery.jobs.JobRunner;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.query.AuditQuery;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import io.asynctablequery.jobs.MemoryJobRepository;
import org.apache.camel.spi.Registry;

/**
 * Builds the beans the YAML routes call, from the properties of SPEC §4 (application.properties, -D or
 * environment variables), and binds them under the names the routes use.
 */
public class AppConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        Settings settings = new Settings(context.getPropertiesComponent());
        Registry registry = context.getRegistry();
        settings.oneOf("jobs.dispatch", "seda");
        settings.oneOf("jobs.store", "memory");

        // Long polls hold a Vert.x worker thread each (platform-http runs routes on them): size the pool for it.
        registry.bind("vertxOptions", new VertxOptions()
                .setWorkerPoolSize(settings.number("api.http-worker-threads", 1)));

        TableServiceClient tables = new TableServiceClientBuilder()
                .connectionString(settings.text("azure.storage.connection-string"))
                .retryOptions(new RetryOptions(new ExponentialBackoffOptions()
                        .setMaxRetries(settings.number("azure.storage.max-retries", 0))
                        .setBaseDelay(Duration.ofMillis(500))
                        .setMaxDelay(Duration.ofSeconds(8))))
                .buildClient();
        String auditTable = settings.text("audit.table-name");
        String distinctProperty = settings.text("audit.distinct-property");
        String requiredProperty = settings.text("audit.required-property");
        AuditQuery auditQuery = new AuditQuery(tables, auditTable, distinctProperty, requiredProperty,
                settings.number("audit.scan-parallelism", 1));

        JobStore jobStore = new JobStore(context, new MemoryJobRepository(),
                settings.number("jobs.max-pending", 1), settings.duration("jobs.retention"), Clock.systemUTC());
        int retryAfter = settings.number("api.retry-after", 0);
        Links links = new Links(settings.optionalText("api.public-base-url"),
                settings.flag("api.trust-forwarded-headers"));

        registry.bind("auditQuery", auditQuery);
        registry.bind("jobStore", jobStore);
        registry.bind("jobRunner", new JobRunner(jobStore, auditQuery, settings.duration("jobs.timeout")));
        registry.bind("submitRequests", new SubmitRequests(settings.number("audit.max-range-days", 1)));
        registry.bind("jobApi", new JobApi(jobStore, retryAfter));
        registry.bind("jobListing", new JobListing(jobStore));
        registry.bind("longPoll", new LongPoll(jobStore, settings.number("api.max-wait", 0)));
        registry.bind("jobResponses", new JobResponses(links, retryAfter));
        registry.bind("problemResponses", new ProblemResponses());

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

        if (settings.flag("audit.demo-data")) {
            new DemoData(tables, auditTable, distinctProperty, requiredProperty)
                    .loadIfEmpty(settings.text("camel.server.port"));
        }
    }
}
