package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.AzureModel;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.FaultProxy;
import io.asynctablequery.support.Observe;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Jobs pick up where they stopped (SPEC §15), across three instances in queue mode with the job table and checkpoints
 * in Blob Storage: an instance killed ({@code kill -9}) or stopped ({@code SIGTERM}) at about two thirds of a year's
 * job, a suspend at half way then a resume on another instance, and a job Failed by a storage cut longer than
 * {@code jobs.storage-outage-tolerance} then rewound. Each job ends exact, and the entities read after the stop are
 * those of the days its checkpoint did not hold (give or take the slices in flight): counted by the Azure model the
 * audit table is reached through, which also makes a year's scan take seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeAcrossInstancesIT {

    private static final int DAYS = 365;
    private static final int ROWS_PER_DAY = 30;
    private static final int TOTAL = DAYS * ROWS_PER_DAY;
    private static final int PARALLELISM = 4;
    private static final int SLICE_DAYS = 3;
    /** Entities the pages in flight at a stop may add: one page (a whole slice here) per lane. */
    private static final int IN_FLIGHT = PARALLELISM * SLICE_DAYS * ROWS_PER_DAY;
    private static final Duration JOB_DEADLINE = Duration.ofSeconds(120);
    private static final String START = "01/01/2022";
    private static final String END = "31/12/2022";

    private final Azurite azurite = Azurite.shared();
    private final String suffix = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    /**
     * About 1,000 entities a second for the whole account: a year's 10,950 take some eleven seconds, so that a stop at
     * two thirds comes well before the end on a busy machine too.
     */
    private final AzureModel model = new AzureModel(2_000, 1_000, Duration.ofMillis(5), Duration.ofSeconds(30));
    private final FaultProxy tables = FaultProxy.modelling(Azurite.freePort(), azurite.tablePort(), model);
    private final List<AppProcess> instances = new ArrayList<>();
    private final AuditRows rows = new AuditRows();
    private int started;

    @BeforeAll
    void seedAndStartThree() {
        for (LocalDate day = LocalDate.of(2022, 1, 1); day.getYear() == 2022; day = day.plusDays(1)) {
            for (int i = 0; i < ROWS_PER_DAY; i++) {
                rows.add(day.toString(), "C", "ID" + (day.getDayOfYear() * 7 + i * 13) % 4_000);
            }
        }
        rows.insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(),
                "audit" + suffix);
        for (int i = 0; i < 3; i++) {
            startOne();
        }
    }

    @AfterAll
    void stopAll() throws InterruptedException {
        for (AppProcess instance : instances) {
            instance.close();
        }
        tables.close();
    }

    private AppProcess startOne() {
        Map<String, String> settings = new HashMap<>(AppProcess.distributed(azurite, suffix));
        settings.put("azure.storage.connection-string",
                azurite.connectionString(tables.port(), azurite.queuePort(), azurite.blobPort()));
        settings.put("jobs.workers", "1");
        settings.put("jobs.queue-poll-delay", "200");
        settings.put("jobs.queue-visibility-timeout", "PT6S");
        settings.put("jobs.shutdown-grace", "PT0S"); // a SIGTERM hands the job back at once: "stopped at two thirds"
        settings.put("jobs.storage-outage-tolerance", "PT3S");
        settings.put("jobs.checkpoints.container", "cp-" + suffix);
        settings.put("audit.scan-parallelism", String.valueOf(PARALLELISM));
        settings.put("audit.scan-slice-days", String.valueOf(SLICE_DAYS));
        AppProcess instance = AppProcess.start("resume-" + (++started), settings);
        instances.add(instance);
        return instance;
    }

    @Test
    void aJobWhoseInstanceIsKilledAtTwoThirdsIsFinishedElsewhereReadingOnlyWhatWasLeft() throws InterruptedException {
        stopAtTwoThirds(true);
    }

    @Test
    void aJobWhoseInstanceIsStoppedAtTwoThirdsIsHandedBackAndFinishedElsewhere() throws InterruptedException {
        stopAtTwoThirds(false);
    }

    private void stopAtTwoThirds(boolean kill) throws InterruptedException {
        AppProcess api = instances.get(instances.size() - 1);
        long before = model.dayEntities();
        String id = api.api.submit(START, END);
        int doneAtStop = Wait.forValue("two thirds of the days read", JOB_DEADLINE, () -> done(api, id),
                done -> done >= DAYS * 2 / 3);
        AppProcess runner = runnerOf(api, id);
        long readBeforeStop = model.dayEntities() - before;
        if (kill) {
            runner.kill();
        } else {
            runner.terminate();
        }
        instances.remove(runner);
        AppProcess other = instances.get(0);

        JsonNode finished = other.api.awaitFinished(id, JOB_DEADLINE);

        assertExact(finished);
        long readAfterStop = model.dayEntities() - before - readBeforeStop;
        int fromCheckpoint = finished.at("/customStatus/partitionsFromCheckpoint").asInt();
        assertTrue(fromCheckpoint >= doneAtStop - PARALLELISM * SLICE_DAYS, fromCheckpoint + " days from the "
                + "checkpoint, " + doneAtStop + " shown done at the stop");
        assertTrue(readAfterStop <= (long) (DAYS - fromCheckpoint) * ROWS_PER_DAY + IN_FLIGHT,
                readAfterStop + " entities read after the stop, for " + (DAYS - fromCheckpoint) + " days left");
        double ratio = (double) (model.dayEntities() - before) / TOTAL;
        assertTrue(ratio <= 1.15, "read " + ratio + " times the table in all");
        List<String> events = events(other, id);
        assertTrue(events.contains(kill ? "TakenOver" : "HandedBack"), events.toString());
        assertEquals("Completed", events.get(events.size() - 1));
        startOne();
    }

    @Test
    void aJobSuspendedAtHalfWayAndResumedOnAnotherInstanceReadsTheTableAboutOnce() {
        AppProcess first = instances.get(0);
        AppProcess second = instances.get(1);
        long before = model.dayEntities();
        String id = first.api.submit(START, END);
        Wait.until("half the days read", JOB_DEADLINE, () -> done(first, id) >= DAYS / 2);

        assertEquals(202, first.api.post("/api/status/" + id + "/suspend?reason=half%20way", null).status());
        Wait.until("Suspended", JOB_DEADLINE, () -> "Suspended".equals(state(second, id)));
        // With the job table a running scan sees the suspend within a second (it re-reads its job that often); a
        // resume within that second may read again what the stopping run reads meanwhile (README).
        Wait.until("the suspended scan stopped", JOB_DEADLINE, () -> instances.stream().allMatch(instance ->
                Observe.metric(instance.api.get(instance.managementBase() + "/observe/metrics").body(),
                        "audit_jobs_running") == 0));
        assertEquals(202, second.api.post("/api/status/" + id + "/resume", null).status());
        JsonNode finished = second.api.awaitFinished(id, JOB_DEADLINE);

        assertExact(finished);
        long read = model.dayEntities() - before;
        assertTrue(read <= TOTAL + IN_FLIGHT, read + " entities read for a table of " + TOTAL);
        assertTrue(finished.at("/customStatus/partitionsFromCheckpoint").asInt() >= DAYS / 2 - PARALLELISM * SLICE_DAYS,
                finished.toString());
    }

    @Test
    void aJobFailedByAStorageCutIsRewoundAndReadsOnlyTheDaysItHadNotFinished() {
        AppProcess api = instances.get(0);
        String id = api.api.submit(START, END);
        Wait.until("a third of the days read", JOB_DEADLINE, () -> done(api, id) >= DAYS / 3);
        tables.refuseRequestsTo("audit" + suffix); // the audit table is down; the job table answers
        JsonNode failed = api.api.awaitFinished(id, JOB_DEADLINE);
        assertEquals("Failed", failed.get("runtimeStatus").asText(), failed.toString());
        int doneAtFailure = failed.at("/customStatus/partitionsDone").asInt();
        tables.refuseRequestsTo(null);

        long before = model.dayEntities();
        assertEquals(202, api.api.post("/api/status/" + id + "/rewind?reason=storage%20back", null).status());
        JsonNode finished = api.api.awaitFinished(id, JOB_DEADLINE);

        assertExact(finished);
        int fromCheckpoint = finished.at("/customStatus/partitionsFromCheckpoint").asInt();
        assertTrue(fromCheckpoint >= doneAtFailure, fromCheckpoint + " < " + doneAtFailure);
        assertEquals((long) (DAYS - fromCheckpoint) * ROWS_PER_DAY, model.dayEntities() - before,
                "the rewound run reads only the days its checkpoint did not hold");
        List<String> events = events(api, id);
        assertEquals(List.of("Failed", "Rewound"), events.subList(events.indexOf("Failed"), events.indexOf("Failed") + 2));
    }

    private void assertExact(JsonNode finished) {
        assertEquals("Completed", finished.get("runtimeStatus").asText(), finished.toString());
        assertEquals(rows.expectedCount("2022-01-01", "2022-12-31"), finished.get("result").asLong());
        assertEquals(TOTAL, finished.at("/customStatus/entitiesScanned").asLong(), finished.toString());
    }

    private static int done(AppProcess instance, String id) {
        JsonNode status = instance.api.get("/api/status/" + id).json();
        return status.at("/customStatus/partitionsDone").asInt();
    }

    private static String state(AppProcess instance, String id) {
        return instance.api.get("/api/status/" + id).json().get("runtimeStatus").asText();
    }

    private static List<String> events(AppProcess instance, String id) {
        List<String> events = new ArrayList<>();
        instance.api.get("/api/status/" + id + "?showHistory=true").json().get("historyEvents")
                .forEach(event -> events.add(event.get("eventType").asText()));
        return events;
    }

    /** The instance running the job: the last Started or TakenOver event names it ({@code host-<pid>}). */
    private AppProcess runnerOf(AppProcess api, String id) {
        JsonNode history = api.api.get("/api/status/" + id + "?showHistory=true").json().get("historyEvents");
        String instance = null;
        for (JsonNode event : history) {
            String type = event.get("eventType").asText();
            if (type.equals("Started") || type.equals("TakenOver")) {
                instance = event.get("instance").asText();
            }
        }
        assertNotEquals(null, instance, history.toString());
        for (AppProcess candidate : instances) {
            if (instance.endsWith("-" + candidate.pid())) {
                return candidate;
            }
        }
        throw new AssertionError("no instance of ours is " + instance);
    }
}
