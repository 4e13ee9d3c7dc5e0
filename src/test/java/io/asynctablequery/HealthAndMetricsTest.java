package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Observe;
import io.asynctablequery.support.StorageFaultTestSupport;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Operating it (SPEC §8), on the management port: readiness follows storage (DOWN naming the failing check
 * within a few seconds of a stall, UP again after), liveness does not; the audit_* metrics move as jobs run.
 */
class HealthAndMetricsTest extends StorageFaultTestSupport {

    private static final Duration STORAGE_TIMEOUT = Duration.ofSeconds(2);
    private final ApiClient management = new ApiClient(this::managementBase);

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.store", "table");
        properties.setProperty("jobs.table-name", "jobshealth");
        properties.setProperty("api.storage-timeout", STORAGE_TIMEOUT.toString());
    }

    @Test
    void readinessFollowsStorageAndLivenessDoesNot() {
        seed(new AuditRows().add("2024-03-01", "C", "A"));
        HttpResult ready = Wait.forValue("ready", Duration.ofSeconds(20),
                () -> management.get("/observe/health/ready"), answer -> answer.status() == 200);
        assertEquals("UP", ready.json().get("status").asText());
        assertEquals("UP", Observe.check(ready.json(), "audit-table").get("status").asText());
        assertEquals("UP", Observe.check(ready.json(), "job-store").get("status").asText());

        storage.stall();
        long stalledAt = System.nanoTime();
        // Each part's probe keeps its last answer for 2 s: the first 503 may still show one part UP, so wait
        // (within the bound) for the answer that names both.
        HttpResult down = Wait.forValue("not ready, both parts down, while storage stalls", Duration.ofSeconds(20),
                () -> management.get("/observe/health/ready"), answer -> answer.status() == 503
                        && "DOWN".equals(Observe.check(answer.json(), "audit-table").get("status").asText())
                        && "DOWN".equals(Observe.check(answer.json(), "job-store").get("status").asText()));
        assertTrue(System.nanoTime() - stalledAt < Duration.ofSeconds(15).toNanos());
        assertEquals("DOWN", down.json().get("status").asText());
        HttpResult live = management.get("/observe/health/live");
        assertEquals(200, live.status(), live.toString());
        assertEquals("UP", live.json().get("status").asText());
        assertEquals(503, management.get("/observe/health").status());

        storage.pass();
        Wait.until("ready again", Duration.ofSeconds(20), () -> management.get("/observe/health/ready").status() == 200);
    }

    @Test
    void healthAndMetricsAreOffTheApiPort() {
        assertEquals(404, get("/observe/health").status());
        assertEquals(404, get("/observe/metrics").status());
        assertEquals(200, management.get("/observe/metrics").status());
    }

    @Test
    void theAuditMetricsMoveAsJobsRun() {
        AuditRows rows = new AuditRows().add("2024-04-01", "C", "A").add("2024-04-02", "C", "B")
                .add("2024-04-02", "C", "A").add("2024-04-03", null, "C");
        seed(rows);
        String before = metrics();
        String id = submit("01/04/2024", "03/04/2024");
        JsonNode done = awaitFinished(id);
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(rows.expectedCount("2024-04-01", "2024-04-03"), done.get("result").asLong());
        long scanned = done.get("customStatus").get("entitiesScanned").asLong();
        assertEquals(rows.rows().stream().filter(row -> row.getProperty(AuditRows.REQUIRED) != null).count(), scanned);
        String after = metrics();

        assertEquals(1, delta(before, after, "audit_jobs_submitted_total"));
        assertEquals(1, delta(before, after, "audit_jobs_finished_total{status=\"Completed\"}"));
        assertEquals(1, delta(before, after, "audit_job_duration_seconds_count{status=\"Completed\"}"));
        assertTrue(after.contains("audit_job_duration_seconds_bucket{status=\"Completed\",le=\"600.0\"}"), after);
        assertEquals(scanned, delta(before, after, "audit_scan_entities_total"));
        // the job's finishing write, which ends the client's wait, comes just before its worker counts itself out
        Wait.forValue("no scan running", Duration.ofSeconds(10), () -> Observe.metric(metrics(), "audit_jobs_running"),
                running -> running == 0);
        assertEquals(0, Observe.metric(after, "audit_jobs_pending"));
        assertEquals(0, Observe.metric(after, "audit_waits_held"));
        assertTrue(Observe.metric(after, "audit_storage_retries_total") >= 0);
        assertTrue(after.contains("jvm_memory_used_bytes"), "JVM metrics are served too");
        assertTrue(after.contains("camel_exchanges_total"), "Camel's metrics are served too");
    }

    private static double delta(String before, String after, String series) {
        return Observe.metric(after, series) - Observe.metric(before, series);
    }

    private String metrics() {
        HttpResult scrape = management.get("/observe/metrics");
        assertEquals(200, scrape.status());
        assertTrue(scrape.contentType().startsWith("text/plain"), scrape.contentType());
        return scrape.body();
    }


}
