package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.FaultProxy;
import io.asynctablequery.support.Observe;
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
 * Stopping an instance ({@code SIGTERM}, as a rolling deployment does) loses nothing and never waits on
 * storage: its running job is handed back when {@code jobs.shutdown-grace} ends (to another instance at once
 * with the storage queue, to the next start with the table store), or, kept only in memory, ends
 * {@code Shutdown} in its clients' last answer; the process exits within the grace and 10 s, with its storage
 * on a slow link (pages in flight abandoned, the small hand-back writes taken) or stalled (the hand-back given
 * up after {@code api.storage-timeout}, and the job run again all the same). The stopped instance reaches
 * storage through fault proxies that throttle its answers, so its job is still running when it stops; the
 * instance that takes over reads storage directly and finishes it quickly.
 */
// Its tests run one after another (not @Execution(CONCURRENT)): with three at once, a memory instance's held wait was
// once answered Running at the stop instead of Failed/Shutdown (the worker's Shutdown write came after the
// hand-back's few seconds on a busy machine; see bench/suite-results.md), a race left for the shutdown's owner.
class GracefulShutdownIT {

    private static final String START = "01/01/2020";
    private static final String END = "31/12/2021";
    private static final Duration SHORT_GRACE = Duration.ofSeconds(2);
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(20);
    /** How long the instance that takes a job over may take to scan its 731 days, one query each, on a busy machine. */
    private static final Duration SCAN_DEADLINE = Duration.ofSeconds(120);
    /** A link on which a page of a thousand entities takes many seconds, and a job's one-entity write well under one. */
    private static final int SLOW_LINK_BYTES_PER_SECOND = 4_000;
    private final Azurite azurite = Azurite.shared();
    private final String suffix = "g" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final FaultProxy tableLink = FaultProxy.to(azurite.tablePort());
    private final FaultProxy queueLink = FaultProxy.to(azurite.queuePort());
    private final List<AppProcess> instances = new ArrayList<>();
    private AuditRows rows;

    @BeforeEach
    void seed() {
        rows = new AuditRows();
        for (LocalDate day = LocalDate.of(2020, 1, 1); day.getYear() < 2022; day = day.plusDays(9)) {
            rows.add(day.toString(), "C", "ID" + day.getDayOfYear() % 53);
        }
        for (int i = 0; i < 3000; i++) { // two days of several pages each
            rows.add(i % 2 == 0 ? "2021-06-01" : "2021-06-02", "C", "N" + i % 701);
        }
        rows.insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(),
                "audit" + suffix);
        tableLink.throttle(SLOW_LINK_BYTES_PER_SECOND);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (AppProcess instance : instances) {
            instance.close();
        }
        tableLink.close();
        queueLink.close();
    }

    private long expected() {
        return rows.expectedCount("2020-01-01", "2021-12-31");
    }

    @Test
    void aStoppedQueueInstanceHandsItsJobToAnotherAtOnce() throws Exception {
        AppProcess stopping = start("queue-stopping", queueMode(), true, SHORT_GRACE,
                "jobs.queue-visibility-timeout", "PT60S");
        String id = stopping.api.submit(START, END);
        stopping.api.awaitStatus(id, "Running");
        AppProcess other = start("queue-other", queueMode(), false, SHORT_GRACE,
                "jobs.queue-visibility-timeout", "PT60S");

        long stoppedAt = System.nanoTime();
        stopping.terminate();
        long seconds = secondsToTakeOver(other, id, stoppedAt);
        stopping.awaitExit(Duration.ofSeconds(40));
        JsonNode done = other.api.awaitFinished(id, SCAN_DEADLINE);

        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(expected(), done.get("result").asLong());
        assertTrue(seconds < 30, "taken over after " + seconds + " s; the visibility timeout is 60 s");
        assertTrue(stopping.log().contains("handed back"), "the stopped instance handed the job back");
    }

    @Test
    void onASlowLinkAQueueInstanceExitsWithinTheDefaultGraceAndTenSecondsAndHandsItsJobBack() throws Exception {
        AppProcess stopping = start("slow-queue-stopping", queueMode(), true, DEFAULT_GRACE,
                "jobs.queue-visibility-timeout", "PT2M");
        String id = stopping.api.submit(START, END);
        stopping.api.awaitStatus(id, "Running");
        AppProcess other = start("slow-queue-other", queueMode(), false, DEFAULT_GRACE);

        long stoppedAt = System.nanoTime();
        stopping.terminate();
        long exitSeconds = secondsToExit(stopping, stoppedAt);
        long takenOverSeconds = secondsToTakeOver(other, id, stoppedAt);
        JsonNode done = other.api.awaitFinished(id, SCAN_DEADLINE);

        assertTrue(exitSeconds <= DEFAULT_GRACE.toSeconds() + 10, "exited after " + exitSeconds + " s");
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(expected(), done.get("result").asLong());
        assertTrue(takenOverSeconds < 60, "taken over after " + takenOverSeconds + " s: handed back, not left to its "
                + "visibility timeout of 2 minutes");
        assertTrue(stopping.log().contains("Job " + id + " handed back"), "handed back");
    }

    @Test
    void withStalledStorageAQueueInstanceExitsInTimeAndItsJobRunsElsewhereAfterTheVisibilityTimeout()
            throws Exception {
        AppProcess stopping = start("stalled-queue-stopping", queueMode(), true, SHORT_GRACE,
                "jobs.queue-visibility-timeout", "PT10S");
        String id = stopping.api.submit(START, END);
        stopping.api.awaitStatus(id, "Running");
        AppProcess other = start("stalled-queue-other", queueMode(), false, SHORT_GRACE);

        tableLink.stall();
        queueLink.stall();
        long stoppedAt = System.nanoTime();
        stopping.terminate();
        long exitSeconds = secondsToExit(stopping, stoppedAt);
        JsonNode done = other.api.awaitFinished(id, SCAN_DEADLINE);

        assertTrue(exitSeconds <= SHORT_GRACE.toSeconds() + 10, "exited after " + exitSeconds + " s");
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(expected(), done.get("result").asLong());
        assertTrue(stopping.log().contains("Job " + id + " could not be handed back"), "the hand-back gave up");
    }

    @Test
    void aStoppedTableStoreInstanceLeavesItsJobPendingAndRunsItAfterTheRestart() throws Exception {
        AppProcess first = start("table-first", tableStore(), true, SHORT_GRACE);
        String id = first.api.submit(START, END);
        first.api.awaitStatus(id, "Running");

        long stoppedAt = System.nanoTime();
        first.terminate();
        long exitSeconds = secondsToExit(first, stoppedAt);
        assertTrue(exitSeconds <= SHORT_GRACE.toSeconds() + 10, "exited after " + exitSeconds + " s");
        assertEquals("Pending", jobTable().getEntity("job", id).getProperty("Status"), "handed back");

        AppProcess worker = start("table-restarted", tableStore(), false, SHORT_GRACE);
        JsonNode done = worker.api.awaitFinished(id, SCAN_DEADLINE);
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(expected(), done.get("result").asLong());
    }

    @Test
    void withStalledStorageATableStoreInstanceExitsWithinTheDefaultGraceAndTenSecondsAndItsJobRunsAfterTheRestart()
            throws Exception {
        AppProcess first = start("stalled-table-first", tableStore(), true, DEFAULT_GRACE);
        String id = first.api.submit(START, END);
        first.api.awaitStatus(id, "Running");

        tableLink.stall();
        long stoppedAt = System.nanoTime();
        first.terminate();
        long exitSeconds = secondsToExit(first, stoppedAt);
        assertTrue(exitSeconds <= DEFAULT_GRACE.toSeconds() + 10, "exited after " + exitSeconds + " s");
        assertEquals("Running", jobTable().getEntity("job", id).getProperty("Status"), "no hand-back written");

        AppProcess worker = start("stalled-table-restarted", tableStore(), false, SHORT_GRACE);
        JsonNode done = worker.api.awaitFinished(id, SCAN_DEADLINE);
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(expected(), done.get("result").asLong());
        assertTrue(first.log().contains("Job " + id + " could not be handed back"), "the hand-back gave up");
    }

    @Test
    void aStoppedMemoryInstanceEndsItsJobShutdownInTheWaitingClientsAnswer() throws Exception {
        Map<String, String> memory = Map.of("azure.storage.connection-string", azurite.connectionString(),
                "audit.table-name", "audit" + suffix, "api.retry-after", "1");
        AppProcess instance = start("memory", memory, true, SHORT_GRACE);
        String id = instance.api.submit(START, END);
        instance.api.awaitStatus(id, "Running");
        CompletableFuture<HttpResponse<String>> waiting = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(instance.api.base() + "/api/status/" + id + "?wait=60")).build(),
                HttpResponse.BodyHandlers.ofString());
        Wait.until("the wait held by the instance", Duration.ofSeconds(10), () -> !waiting.isDone()
                && Observe.metric(instance.api.get(instance.managementBase() + "/observe/metrics").body(),
                        "audit_waits_held") >= 1);
        assertEquals(202, instance.api.get("/api/status/" + id).status(), "the job still runs");

        instance.terminate();
        HttpResponse<String> last = waiting.get(30, TimeUnit.SECONDS);
        instance.awaitExit(Duration.ofSeconds(40));

        JsonNode job = new ObjectMapper().readTree(last.body());
        assertEquals(200, last.statusCode(), last.body());
        assertEquals("Failed", job.get("runtimeStatus").asText());
        assertEquals("Shutdown", job.at("/error/code").asText());
        assertFalse(instance.log().contains("could not be handed back"));
    }

    private Map<String, String> queueMode() {
        return AppProcess.distributed(azurite, suffix);
    }

    private Map<String, String> tableStore() {
        Map<String, String> tableStore = new HashMap<>(AppProcess.distributed(azurite, suffix));
        tableStore.put("jobs.dispatch", "seda");
        return tableStore;
    }

    private TableClient jobTable() {
        return new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getTableClient("jobs" + suffix);
    }

    /** Waits (far longer than allowed, to measure) for the instance to exit; the seconds since {@code stoppedAt}. */
    private static long secondsToExit(AppProcess instance, long stoppedAt) throws InterruptedException {
        instance.awaitExit(Duration.ofSeconds(90));
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stoppedAt);
    }

    /**
     * Waits (far longer than allowed, to measure) for the other instance to start running the job (its log's
     * state line); the seconds since {@code stoppedAt}. Measured at the start of its run, not at its end, which
     * depends on the machine's speed.
     */
    private static long secondsToTakeOver(AppProcess other, String id, long stoppedAt) {
        Wait.until("the job running on the other instance", Duration.ofSeconds(150),
                () -> other.log().contains("Job " + id + " Running"));
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stoppedAt);
    }

    /**
     * An instance; {@code slow}: its storage through the fault proxies (tables on the slow link) instead of
     * Azurite itself.
     */
    private AppProcess start(String name, Map<String, String> base, boolean slow, Duration grace,
                             String... settings) {
        Map<String, String> all = new HashMap<>(base);
        all.put("audit.scan-slice-days", "1");
        all.put("audit.scan-parallelism", "1");
        all.put("jobs.shutdown-grace", grace.toString());
        all.put("audit.max-range-days", "800");
        if (slow) {
            all.put("azure.storage.connection-string", azurite.connectionString(tableLink.port(), queueLink.port()));
        }
        for (int i = 0; i < settings.length; i += 2) {
            all.put(settings[i], settings[i + 1]);
        }
        AppProcess instance = AppProcess.start(suffix + "-" + name, all);
        instances.add(instance);
        return instance;
    }
}
