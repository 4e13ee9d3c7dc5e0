package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Observe;
import io.asynctablequery.support.StorageFaultTestSupport;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A schedule's run when the system is full (SPEC §17, {@code jobs.max-pending}): refused, counted
 * ({@code outcome="refused"}) once per occurrence and not tried again in a loop at every tick; a trigger answers
 * {@code 503}. Once the job that filled the system ends, the next occurrence runs. The job that fills it holds on a
 * stalled storage call.
 */
class ScheduleRunsWhenFullTest extends StorageFaultTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.max-pending", "1");
        properties.setProperty("schedules.min-interval", "PT1S");
        properties.setProperty("schedules.tick", "PT0.2S");
    }

    @Test
    void aRunRefusedBecauseTheSystemIsFullIsCountedOncePerOccurrenceAndTheNextOccurrenceRuns() {
        seed(new AuditRows().add("2024-05-01", "C", "A").add("2024-05-02", "C", "B"));
        storage.stall();
        String filler = submit("01/05/2024", "02/05/2024");
        awaitStatus(filler, "Running");
        double refusedBefore = runs("refused");
        JsonNode schedule = api.post("/api/schedules", "{\"name\": \"when full\", \"every\": \"PT1S\", \"range\": "
                + "{\"s\": \"2024-05-01\", \"e\": \"2024-05-02\"}}", "Content-Type", "application/json").json();
        String id = schedule.get("id").asText();
        Instant created = Instant.parse(schedule.get("createdTime").asText());

        Wait.until("three occurrences refused", DEADLINE, () -> runs("refused") - refusedBefore >= 3);
        Instant looked = Instant.now();
        double refused = runs("refused") - refusedBefore;
        long occurrences = Duration.between(created, looked).toSeconds();
        assertTrue(refused <= occurrences + 1, refused + " refusals for " + occurrences + " occurrences: one each, "
                + "not one per tick");
        assertEquals(0, api.get("/api/schedules/" + id).json().get("recentJobs").size(), "no job made");
        HttpResult triggered = api.post("/api/schedules/" + id + "/trigger", null);
        assertEquals(503, triggered.status(), triggered.toString());
        assertTrue(triggered.header("Retry-After") != null);

        storage.pass();
        assertEquals("Completed", awaitFinished(filler).get("runtimeStatus").asText());
        JsonNode run = Wait.forValue("a run once there is room", DEADLINE,
                () -> api.get("/api/schedules/" + id).json().get("recentJobs"), jobs -> jobs.size() > 0).get(0);
        assertEquals(200, api.post("/api/schedules/" + id + "/pause", null).status());
        JsonNode finished = awaitFinished(run.get("id").asText());
        assertEquals(2, finished.get("result").asLong());
        assertTrue(Instant.parse(finished.at("/input/occurrenceTime").asText()).isAfter(looked.minusSeconds(2)));
        api.delete("/api/schedules/" + id);
    }

    private double runs(String outcome) {
        return Observe.metric(api.get(managementBase() + "/observe/metrics").body(),
                "audit_schedule_runs_total{outcome=\"" + outcome + "\"}");
    }
}
