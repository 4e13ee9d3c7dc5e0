package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Observe;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Operating it in queue mode (SPEC §8): readiness includes the job queue, and audit_jobs_pending is the
 * queue's depth. The instance has no workers (an API-only instance), so submitted jobs stay queued.
 */
class QueueModeOperationsTest extends ApiTestSupport {

    private final ApiClient management = new ApiClient(this::managementBase);

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.dispatch", "azure-storage-queue");
        properties.setProperty("jobs.store", "table");
        properties.setProperty("jobs.queue-name", "operations-jobs");
        properties.setProperty("jobs.table-name", "operationsjobs");
        properties.setProperty("jobs.workers", "0");
    }

    @Test
    void readinessIncludesTheQueueAndPendingIsItsDepth() {
        seed(new AuditRows().add("2024-05-01", "C", "A"));
        HttpResult ready = Wait.forValue("ready", Duration.ofSeconds(20),
                () -> management.get("/observe/health/ready"), answer -> answer.status() == 200);
        assertEquals("UP", Observe.check(ready.json(), "job-queue").get("status").asText(), ready.body());
        assertEquals("UP", Observe.check(ready.json(), "job-store").get("status").asText(), ready.body());

        int jobs = 3;
        for (int i = 0; i < jobs; i++) {
            submit("01/05/2024", "02/05/2024");
        }
        // The depth is read in the background at most every 5 s: a scrape shows it within a few.
        Wait.until("audit_jobs_pending = " + jobs, Duration.ofSeconds(30), () -> pending() == jobs);
    }

    private double pending() {
        return Observe.metric(management.get("/observe/metrics").body(), "audit_jobs_pending");
    }

}
