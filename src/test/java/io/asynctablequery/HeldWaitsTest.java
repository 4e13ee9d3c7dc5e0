package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asynctablequery.jobs.JobWatchers;
import io.asynctablequery.support.StorageFaultTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Wait;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Waiting costs no thread: many more requests wait on a running job than there are HTTP worker threads,
 * and every other request still answers promptly; when the job finishes, every wait answers with it.
 * The job is held Running by a stalled storage connection (a fault proxy between the app and Azurite).
 */
class HeldWaitsTest extends StorageFaultTestSupport {

    private static final int WORKER_THREADS = 50;
    private static final int WAITS = 2000;

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("api.http-worker-threads", String.valueOf(WORKER_THREADS));
        properties.setProperty("api.max-waits", String.valueOf(WAITS));
        properties.setProperty("audit.page-timeout", "PT2M"); // the stalled page is waited for, not retried
    }

    @Test
    void thousandsOfWaitsHoldNoThreadAndAllEndWithTheJob() throws Exception {
        AuditRows rows = new AuditRows();
        for (int day = 1; day <= 5; day++) {
            for (int i = 0; i < 10; i++) {
                rows.add(LocalDate.of(2023, 5, day).toString(), "C", "ID" + (day * 3 + i) % 17);
            }
        }
        seed(rows);
        long expected = rows.expectedCount("2023-05-01", "2023-05-05");

        storage.stall();
        String id = submit("01/05/2023", "05/05/2023");
        awaitStatus(id, "Running");

        // One connection per waiting client, as separate clients have (HTTP/2 would multiplex them on one).
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build();
        List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
        for (int i = 0; i < WAITS; i++) {
            waits.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base() + "/api/status/" + id + "?wait=60"))
                    .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        JobWatchers watchers = context().getRegistry().lookupByNameAndType("jobWatchers", JobWatchers.class);
        Wait.forValue(WAITS + " waits held", Duration.ofSeconds(60), watchers::held, held -> held == WAITS);

        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            HttpResult plain = get("/api/status/" + id);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(202, plain.status());
            assertTrue(millis < 1000, "a plain status request took " + millis + " ms beside " + WAITS + " waits");
        }
        // Beyond api.max-waits a wait is not held: answered at once, as if it had asked for none.
        long start = System.nanoTime();
        HttpResult notHeld = get("/api/status/" + id + "?wait=60");
        assertEquals(202, notHeld.status());
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5, "the extra wait was held");
        // An event stream is held the same way: beyond api.max-waits it is refused.
        HttpResult noRoom = get("/api/status/" + id, "Accept", "text/event-stream");
        assertEquals(503, noRoom.status(), noRoom.toString());
        assertEquals("application/problem+json", noRoom.contentType());
        assertTrue(noRoom.header("Retry-After") != null);

        storage.pass();
        ObjectMapper json = new ObjectMapper();
        for (CompletableFuture<HttpResponse<String>> wait : waits) {
            HttpResponse<String> answer = wait.get(90, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            JsonNode document = json.readTree(answer.body());
            assertEquals("Completed", document.get("runtimeStatus").asText());
            assertEquals(expected, document.get("result").asLong());
        }
        assertEquals(0, watchers.held());
    }

    @Test
    void aFinishedJobIsAnsweredAtOnceAndAPurgedOneIsNotFound() {
        storage.pass();
        String id = submit("01/06/2023", "02/06/2023");
        JsonNode done = awaitFinished(id);
        assertNull(done.get("error").textValue());
        // finished jobs are answered at once, waited on or not
        long start = System.nanoTime();
        assertEquals(200, get("/api/status/" + id + "?wait=30").status());
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5);
        assertEquals(200, delete("/api/status/" + id).status());
        assertEquals(404, get("/api/status/" + id + "?wait=30").status());
    }
}
