package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.support.StorageFaultTestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Storage that stalls is not waited on forever: with the job table behind a stalled connection, status,
 * submit, list, result, terminate and purge answer 503 with Retry-After within {@code api.storage-timeout} (plus a little), change
 * nothing, and work again once storage does.
 */
class StorageStallOnTableStoreTest extends StorageFaultTestSupport {

    private static final Duration STORAGE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration ANSWER_BOUND = STORAGE_TIMEOUT.plusMillis(2500);

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.store", "table");
        properties.setProperty("jobs.table-name", "jobsstall");
        properties.setProperty("api.storage-timeout", STORAGE_TIMEOUT.toString());
    }

    @Test
    void aStalledStoreAnswers503InTimeAndNothingIsLeftBehind() {
        AuditRows rows = new AuditRows().add("2024-02-01", "C", "A").add("2024-02-02", "C", "B");
        seed(rows);
        String id = submit("01/02/2024", "02/02/2024");
        JsonNode done = awaitFinished(id);
        assertEquals(2, done.get("result").asLong(), done.toString());
        int jobsBefore = jobCount();
        String schedule = post("/api/schedules", "{\"name\": \"stalled\", \"cron\": \"0 6 * * *\", \"paused\": true, "
                + "\"range\": {\"lastDays\": 3}}", "Content-Type", "application/json").json().get("id").asText();
        int schedulesBefore = get("/api/schedules").json().size();

        storage.stall();
        assertUnavailableInTime(() -> get("/api/status/" + id));
        assertUnavailableInTime(() -> get("/api/operations/" + id + "?wait=10"));
        assertUnavailableInTime(() -> get("/api/submit/query?" + query("01/02/2024", "02/02/2024")));
        assertUnavailableInTime(() -> get("/api/status?top=10"));
        assertUnavailableInTime(() -> get("/api/results/" + id));
        assertUnavailableInTime(() -> post("/api/status/" + id + "/terminate?reason=stalled", ""));
        assertUnavailableInTime(() -> delete("/api/status/" + id));
        for (String action : List.of("suspend", "resume", "rewind", "restart")) {
            assertUnavailableInTime(() -> post("/api/status/" + id + "/" + action, ""));
        }
        assertUnavailableInTime(() -> delete("/api/status?runtimeStatus=Completed"));
        assertUnavailableInTime(() -> post("/api/submit/query", "{\"s\":\"01/02/2024\",\"e\":\"02/02/2024\"}",
                "Content-Type", "application/json"));
        String scheduleBody = "{\"name\": \"n\", \"cron\": \"0 6 * * *\", \"paused\": true, \"range\": {\"lastDays\": 3}}";
        List<Supplier<HttpResult>> scheduleRequests = List.of( // at once: each within the bound
                () -> post("/api/schedules", scheduleBody, "Content-Type", "application/json"),
                () -> get("/api/schedules"),
                () -> get("/api/schedules/" + schedule),
                () -> send("PUT", "/api/schedules/" + schedule, scheduleBody, "Content-Type", "application/json"),
                () -> send("DELETE", "/api/schedules/" + schedule, null),
                () -> post("/api/schedules/" + schedule + "/pause", ""),
                () -> post("/api/schedules/" + schedule + "/unpause", ""),
                () -> post("/api/schedules/" + schedule + "/trigger", ""));
        scheduleRequests.parallelStream().forEach(this::assertUnavailableInTime);

        storage.pass();
        assertEquals(200, get("/api/status/" + id).status());
        // The stalled submit's create was held, not lost, and may land now: it is removed, never left Pending.
        Wait.until("no job left from the refused submit", Duration.ofSeconds(60), () -> jobCount() == jobsBefore);
        Wait.until("no schedule left from the refused create", Duration.ofSeconds(60),
                () -> get("/api/schedules").json().size() == schedulesBefore);
        assertEquals(200, get("/api/schedules/" + schedule).status());
        JsonNode after = awaitFinished(submit("01/02/2024", "02/02/2024"));
        assertEquals(2, after.get("result").asLong(), after.toString());
    }

    private void assertUnavailableInTime(Supplier<HttpResult> request) {
        long start = System.nanoTime();
        HttpResult answer = request.get();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(503, answer.status(), answer.toString());
        assertTrue(millis <= ANSWER_BOUND.toMillis(), "answered after " + millis + " ms");
        assertNotNull(answer.header("Retry-After"));
        assertEquals("application/problem+json", answer.contentType());
        assertEquals(503, answer.json().get("status").asInt());
    }
}
