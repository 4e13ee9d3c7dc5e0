package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.FaultProxy;
import io.asynctablequery.support.Wait;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping an instance ({@code SIGTERM}, as a rolling deployment does) loses nothing: its running job is
 * handed back after {@code jobs.shutdown-grace} (to another instance at once with the storage queue, to the
 * next start with the table store), or, kept only in memory, ends {@code Shutdown} in its clients' last answer.
 * The stopped instance reads storage through a fault proxy that slows every request, so its job is still
 * running when it stops; the instance that takes over reads storage directly and finishes it quickly.
 */
class GracefulShutdownIT {

    private static final String START = "01/01/2020";
    private static final String END = "31/12/2021";
    private static final Duration GRACE = Duration.ofSeconds(2);
    private final Azurite azurite = Azurite.shared();
    private final String suffix = "g" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final FaultProxy slowStorage = FaultProxy.to(azurite.tablePort());
    private final List<AppProcess> instances = new ArrayList<>();
    private AuditRows rows;

    @BeforeEach
    void seed() {
        rows = new AuditRows();
        for (LocalDate day = LocalDate.of(2020, 1, 1); day.getYear() < 2022; day = day.plusDays(9)) {
            rows.add(day.toString(), "C", "ID" + day.getDayOfYear() % 53);
        }
        rows.insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(),
                "audit" + suffix);
        slowStorage.delay(40); // 731 queries of a day each: half a minute and more
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (AppProcess instance : instances) {
            instance.close();
        }
        slowStorage.close();
    }

    @Test
    void aStoppedQueueInstanceHandsItsJobToAnotherAtOnce() throws Exception {
        Map<String, String> queueMode = AppProcess.distributed(azurite, suffix);
        AppProcess stopping = start("queue-stopping", queueMode, true, "jobs.queue-visibility-timeout", "PT60S");
        String id = stopping.api.submit(START, END);
        stopping.api.awaitStatus(id, "Running");
        AppProcess other = start("queue-other", queueMode, false, "jobs.queue-visibility-timeout", "PT60S");

        long stoppedAt = System.nanoTime();
        stopping.terminate();
        stopping.awaitExit(Duration.ofSeconds(40));
        JsonNode done = other.api.awaitFinished(id, Duration.ofSeconds(40));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stoppedAt);

        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(rows.expectedCount("2020-01-01", "2021-12-31"), done.get("result").asLong());
        assertTrue(seconds < 30, "taken over after " + seconds + " s; the visibility timeout is 60 s");
        assertTrue(stopping.log().contains("handed back"), "the stopped instance handed the job back");
    }

    @Test
    void aStoppedTableStoreInstanceLeavesItsJobPendingAndRunsItAfterTheRestart() throws Exception {
        Map<String, String> tableStore = new HashMap<>(AppProcess.distributed(azurite, suffix));
        tableStore.put("jobs.dispatch", "seda");
        TableClient jobs = new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getTableClient("jobs" + suffix);
        AppProcess first = start("table-first", tableStore, true);
        String id = first.api.submit(START, END);
        first.api.awaitStatus(id, "Running");

        first.terminate();
        first.awaitExit(Duration.ofSeconds(40));
        assertEquals("Pending", jobs.getEntity("job", id).getProperty("Status"), "handed back");

        AppProcess worker = start("table-restarted", tableStore, false);
        JsonNode done = worker.api.awaitFinished(id, Duration.ofSeconds(40));
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(rows.expectedCount("2020-01-01", "2021-12-31"), done.get("result").asLong());
    }

    @Test
    void aStoppedMemoryInstanceEndsItsJobShutdownInTheWaitingClientsAnswer() throws Exception {
        Map<String, String> memory = Map.of("azure.storage.connection-string", azurite.connectionString(),
                "audit.table-name", "audit" + suffix, "api.retry-after", "1");
        AppProcess instance = start("memory", memory, true);
        String id = instance.api.submit(START, END);
        instance.api.awaitStatus(id, "Running");
        CompletableFuture<HttpResponse<String>> waiting = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(instance.api.base() + "/api/status/" + id + "?wait=60")).build(),
                HttpResponse.BodyHandlers.ofString());
        Wait.until("the wait held", Duration.ofSeconds(10), () -> !waiting.isDone()
                && instance.api.get("/api/status/" + id).status() == 202);

        instance.terminate();
        HttpResponse<String> last = waiting.get(30, TimeUnit.SECONDS);
        instance.awaitExit(Duration.ofSeconds(40));

        JsonNode job = new ObjectMapper().readTree(last.body());
        assertEquals(200, last.statusCode(), last.body());
        assertEquals("Failed", job.get("runtimeStatus").asText());
        assertEquals("Shutdown", job.at("/error/code").asText());
    }

    /** An instance; {@code slow}: its storage through the slowing proxy (table) instead of Azurite itself. */
    private AppProcess start(String name, Map<String, String> base, boolean slow, String... settings) {
        Map<String, String> all = new HashMap<>(base);
        all.put("audit.scan-slice-days", "1");
        all.put("audit.scan-parallelism", "1");
        all.put("jobs.shutdown-grace", GRACE.toString());
        all.put("audit.max-range-days", "800");
        if (slow) {
            all.put("azure.storage.connection-string", azurite.connectionString(slowStorage.port(), azurite.queuePort()));
        }
        for (int i = 0; i < settings.length; i += 2) {
            all.put(settings[i], settings[i + 1]);
        }
        AppProcess instance = AppProcess.start(suffix + "-" + name, all);
        instances.add(instance);
        return instance;
    }
}
