package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Terminate, purge, idempotency, long polls, back-pressure and listing. One worker, and Azurite frozen
 * where a test needs a job held Running (the worker blocks on a real storage call) or Pending (queued
 * behind it).
 */
class JobControlTest extends ApiTestSupport {

    private static final int MAX_PENDING = 3;
    private static final int MAX_WAIT = 25;
    private final AuditRows rows = new AuditRows();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.workers", "1");
        properties.setProperty("jobs.max-pending", String.valueOf(MAX_PENDING));
        properties.setProperty("api.max-wait", String.valueOf(MAX_WAIT));
    }

    @BeforeAll
    void seed() {
        for (LocalDate day = LocalDate.of(2022, 3, 1); day.isBefore(LocalDate.of(2022, 4, 1)); day = day.plusDays(1)) {
            for (int i = 0; i < 20; i++) {
                rows.add(day.toString(), "C" + i, "ID" + (day.getDayOfMonth() * 7 + i) % 90);
            }
        }
        seed(rows);
    }

    @BeforeEach
    void startEmpty() {
        for (JsonNode job : get("/api/status?top=1000").json()) {
            String id = job.get("id").asText();
            post("/api/status/" + id + "/terminate", null);
            awaitFinished(id);
            assertEquals(200, delete("/api/status/" + id).status());
        }
    }

    @Test
    void terminatingARunningJobStopsItAndFreesTheWorker() {
        String running;
        try (Azurite.Paused frozen = azurite.pause()) {
            running = submit("01/03/2022", "31/03/2022");
            awaitStatus(running, "Running");
            assertEquals(409, get("/api/results/" + running).status(), "no result while running");
            assertEquals(409, delete("/api/status/" + running).status(), "no purge while running");

            HttpResult terminated = post("/api/status/" + running + "/terminate?reason=not%20needed", null);

            assertEquals(202, terminated.status(), terminated.toString());
            JsonNode status = get("/api/status/" + running).json();
            assertEquals("Terminated", status.get("runtimeStatus").asText());
            assertEquals("not needed", status.get("output").asText());
            assertEquals("Canceled", get("/api/operations/" + running).json().get("status").asText());
            assertEquals(410, post("/api/status/" + running + "/terminate", null).status());
        }
        // The only worker is free again: a new job runs to its answer.
        JsonNode next = awaitFinished(submit("01/03/2022", "10/03/2022"));
        assertEquals(rows.expectedCount("2022-03-01", "2022-03-10"), next.get("result").asLong());
        JsonNode stillTerminated = get("/api/status/" + running).json();
        assertEquals("Terminated", stillTerminated.get("status").asText());
        assertTrue(stillTerminated.get("result").isNull(), "a late result never overwrites Terminated");
        assertEquals(409, get("/api/results/" + running).status());
    }

    @Test
    void aTerminatedPendingJobNeverRuns() {
        String pending;
        String running;
        try (Azurite.Paused frozen = azurite.pause()) {
            running = submit("01/03/2022", "05/03/2022");
            awaitStatus(running, "Running");
            pending = submit("06/03/2022", "09/03/2022");
            HttpResult status = get("/api/status/" + pending);
            assertEquals(202, status.status());
            assertEquals("Pending", status.json().get("status").asText());
            assertEquals(base() + "/api/status/" + pending, status.header("Location"));
            assertEquals("1", status.header("Retry-After"));
            HttpResult operation = get("/api/operations/" + pending);
            assertEquals(200, operation.status());
            assertEquals("1", operation.header("Retry-After"));
            assertEquals("NotStarted", operation.json().get("status").asText());
            assertEquals(false, operation.json().has("resourceLocation"));

            assertEquals(202, post("/api/status/" + pending + "/terminate", null).status());
        }
        assertEquals(rows.expectedCount("2022-03-01", "2022-03-05"), awaitFinished(running).get("result").asLong());
        JsonNode never = awaitFinished(pending);
        assertEquals("Terminated", never.get("status").asText());
        assertEquals(0, never.get("customStatus").get("partitionsDone").asInt());
    }

    @Test
    void pastMaxPendingSubmitAnswers503AndCreatesNothing() {
        try (Azurite.Paused frozen = azurite.pause()) {
            for (int i = 0; i < MAX_PENDING; i++) {
                assertEquals(202, get("/api/submit/query?" + query("01/03/2022", "02/03/2022")).status());
            }

            HttpResult full = get("/api/submit/query?" + query("01/03/2022", "02/03/2022"));

            assertEquals(503, full.status());
            assertEquals("application/problem+json", full.contentType());
            assertEquals("1", full.header("Retry-After"));
            assertEquals(MAX_PENDING, jobCount());
        }
        for (JsonNode job : get("/api/status").json()) {
            awaitFinished(job.get("id").asText());
        }
        assertEquals(202, get("/api/submit/query?" + query("01/03/2022", "02/03/2022")).status(),
                "finished jobs free their places");
    }

    @Test
    void aLongPollIsAnsweredWhenTheJobFinishes() throws Exception {
        CompletableFuture<HttpResult> longPoll;
        String id;
        try (Azurite.Paused frozen = azurite.pause()) {
            id = submit("01/03/2022", "31/03/2022");
            HttpResult stillRunning = get("/api/status/" + id + "?wait=1");
            assertEquals(202, stillRunning.status(), "a wait that ends first answers the usual 202");
            longPoll = CompletableFuture.supplyAsync(() -> get("/api/status/" + id + "?wait=" + MAX_WAIT));
        }
        HttpResult finished = longPoll.get();
        assertEquals(200, finished.status());
        assertEquals(rows.expectedCount("2022-03-01", "2022-03-31"), finished.json().get("result").asLong());
    }

    @Test
    void submitWithWaitAnswers200WithTheStatusDocument() {
        HttpResult viaQuery = get("/api/submit/query?" + query("02/03/2022", "12/03/2022") + "&wait=20");
        HttpResult viaPrefer = get("/api/submit/query?" + query("02/03/2022", "12/03/2022"), "Prefer",
                "respond-async, wait=20");
        HttpResult capped = get("/api/submit/query?" + query("02/03/2022", "12/03/2022"), "Prefer", "wait=1000");

        long expected = rows.expectedCount("2022-03-02", "2022-03-12");
        for (HttpResult response : List.of(viaQuery, viaPrefer, capped)) {
            assertEquals(200, response.status(), response.toString());
            assertEquals("Completed", response.json().get("status").asText());
            assertEquals(expected, response.json().get("result").asLong());
        }
        assertNull(viaQuery.header("Preference-Applied"));
        assertEquals("wait=20", viaPrefer.header("Preference-Applied"));
        assertEquals("wait=" + MAX_WAIT, capped.header("Preference-Applied"));
    }

    @Test
    void anIdempotencyKeyReturnsTheSameJobAndRefusesOtherParameters() {
        String key = UUID.randomUUID().toString();
        HttpResult first = get("/api/submit/query?" + query("01/03/2022", "04/03/2022"), "Idempotency-Key", key);
        HttpResult again = get("/api/submit/query?" + query("2022-03-01", "2022-03-04"), "Idempotency-Key", key);
        HttpResult other = get("/api/submit/query?" + query("01/03/2022", "05/03/2022"), "Idempotency-Key", key);

        String id = first.json().get("id").asText();
        assertEquals(id, again.json().get("id").asText(), "same key, same parameters: same job");
        assertEquals(409, other.status());
        assertEquals("application/problem+json", other.contentType());
        assertEquals(1, jobCount());
        awaitFinished(id);
        assertEquals(200, get("/api/submit/query?" + query("01/03/2022", "04/03/2022"), "Idempotency-Key", key)
                .status(), "a finished job is answered with its status document");
        assertNotEquals(id, get("/api/submit/query?" + query("01/03/2022", "04/03/2022")).json().get("id").asText(),
                "no key: a new job");
    }

    @Test
    void aPurgedJobIsGone() {
        String id = submit("01/03/2022", "03/03/2022");
        awaitFinished(id);

        HttpResult purged = delete("/api/status/" + id);

        assertEquals(200, purged.status());
        assertEquals(1, purged.json().get("instancesDeleted").asInt());
        assertEquals(404, get("/api/status/" + id).status());
        assertEquals(404, get("/api/operations/" + id).status());
        assertEquals(404, delete("/api/status/" + id).status());
    }

    @Test
    void theListPagesNewestFirstWithAContinuationToken() {
        Instant before = Instant.now();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = submit("01/01/1990", "02/01/1990");
            awaitFinished(id);
            created.add(0, id); // newest first
        }

        List<String> listed = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            HttpResult page = token == null ? get("/api/status?top=2&runtimeStatus=Completed,Failed")
                    : get("/api/status?top=2&runtimeStatus=Completed,Failed", "x-ms-continuation-token", token);
            assertEquals(200, page.status());
            assertTrue(page.json().size() <= 2);
            page.json().forEach(job -> listed.add(job.get("id").asText()));
            token = page.header("x-ms-continuation-token");
            pages++;
        } while (token != null);

        assertEquals(created, listed);
        assertEquals(3, pages);
        assertEquals(0, get("/api/status?runtimeStatus=Running,Pending").json().size());
        assertEquals(5, get("/api/status?createdTimeFrom=" + before).json().size());
        assertEquals(0, get("/api/status?createdTimeTo=" + before.minusSeconds(60)).json().size());
    }
}
