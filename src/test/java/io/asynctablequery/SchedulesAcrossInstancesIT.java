package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.Observe;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Schedules across instances (SPEC §17): three instances in queue mode with the job table, a schedule every three
 * seconds (a test setting lowers {@code schedules.min-interval}) while one instance is killed ({@code kill -9}) at an
 * occurrence: exactly one job per occurrence, none missing, each Completed exact. Then every instance down while
 * occurrences pass: the one that starts makes one catch-up run, for the latest, and counts the others as missed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulesAcrossInstancesIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String START = "2022-01-01";
    private static final String END = "2022-01-10";

    private final Azurite azurite = Azurite.shared();
    private final List<AppProcess> instances = new ArrayList<>();
    private final AuditRows rows = new AuditRows();
    private String suffix;
    private int started;

    private void seedAndStart(int count) {
        suffix = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        for (LocalDate day = LocalDate.parse(START); !day.isAfter(LocalDate.parse(END)); day = day.plusDays(1)) {
            for (int i = 0; i < 10; i++) {
                rows.add(day.toString(), "C", "ID" + (day.getDayOfMonth() * 7 + i * 3) % 60);
            }
        }
        rows.insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(),
                "audit" + suffix);
        for (int i = 0; i < count; i++) {
            startOne();
        }
    }

    private AppProcess startOne() {
        Map<String, String> settings = new HashMap<>(AppProcess.distributed(azurite, suffix));
        settings.put("jobs.workers", "1");
        settings.put("jobs.queue-poll-delay", "200");
        settings.put("jobs.queue-visibility-timeout", "PT6S");
        settings.put("schedules.min-interval", "PT1S");
        settings.put("schedules.tick", "PT0.2S");
        AppProcess instance = AppProcess.start("schedules-" + (++started), settings);
        instances.add(instance);
        return instance;
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (AppProcess instance : instances) {
            instance.close();
        }
        instances.clear();
    }

    @Test
    void threeInstancesMakeExactlyOneJobPerOccurrenceWhileOneIsKilledAtAnOccurrence() throws InterruptedException {
        seedAndStart(3);
        AppProcess api = instances.get(2);
        JsonNode schedule = create(api, "{\"name\": \"every three seconds\", \"every\": \"PT3S\", \"overlap\": "
                + "\"allowAll\", \"range\": {\"s\": \"" + START + "\", \"e\": \"" + END + "\"}}");
        String id = schedule.get("id").asText();
        Instant created = Instant.parse(schedule.get("createdTime").asText());
        Instant second = created.plusSeconds(6);

        Wait.until("the second occurrence", DEADLINE, () -> !Instant.now().isBefore(second));
        instances.remove(0).kill(); // at the occurrence: it may be creating, queueing or running its job
        Wait.until("six occurrences with a job", DEADLINE, () -> occurrences(api, id).size() >= 6);
        assertEquals(200, api.api.post("/api/schedules/" + id + "/pause", null).status());

        Map<Instant, List<JsonNode>> byOccurrence = occurrences(api, id);
        int last = 0;
        for (Map.Entry<Instant, List<JsonNode>> occurrence : byOccurrence.entrySet()) {
            Duration after = Duration.between(created, occurrence.getKey());
            assertEquals(0, after.toMillis() % 3000, occurrence.getKey() + " is not an occurrence");
            int k = (int) (after.toMillis() / 3000);
            assertEquals(last + 1, k, "occurrence " + (last + 1) + " has no job: " + byOccurrence.keySet());
            last = k;
            assertEquals(1, occurrence.getValue().size(), "jobs for " + occurrence.getKey() + ": " + occurrence);
            String jobId = occurrence.getValue().get(0).get("id").asText();
            JsonNode finished = api.api.awaitFinished(jobId, DEADLINE);
            assertEquals("Completed", finished.get("runtimeStatus").asText(), finished.toString());
            assertEquals(rows.expectedCount(START, END), finished.get("result").asLong());
        }
        double started = 0;
        for (AppProcess instance : instances) {
            started += runs(instance, "started");
        }
        assertTrue(started <= byOccurrence.size() && started >= byOccurrence.size() - 2, started + " runs counted "
                + "started by the living instances for " + byOccurrence.size() + " occurrences (the killed one may have "
                + "counted the first two, none is counted twice)");
    }

    @Test
    void afterEveryInstanceWasDownTheFirstToStartRunsTheLatestMissedOccurrenceOnce() throws InterruptedException {
        seedAndStart(2);
        AppProcess api = instances.get(0);
        JsonNode schedule = create(api, "{\"name\": \"every two seconds\", \"every\": \"PT2S\", \"overlap\": \"allowAll\", "
                + "\"range\": {\"s\": \""
                + START + "\", \"e\": \"" + END + "\"}}");
        String id = schedule.get("id").asText();
        Instant created = Instant.parse(schedule.get("createdTime").asText());
        String first = Wait.forValue("a first run", DEADLINE, () -> occurrences(api, id), found -> !found.isEmpty())
                .values().iterator().next().get(0).get("id").asText();
        api.api.awaitFinished(first, DEADLINE);
        for (AppProcess instance : instances) {
            instance.kill();
        }
        instances.clear();
        Instant down = Instant.now();
        Wait.until("three occurrences while every instance is down", DEADLINE,
                () -> Instant.now().isAfter(down.plusSeconds(7)));

        AppProcess restarted = startOne();
        Map<Instant, List<JsonNode>> byOccurrence = Wait.forValue("the catch-up run", DEADLINE,
                () -> occurrences(restarted, id), found -> found.keySet().stream().anyMatch(at -> at.isAfter(down)));
        assertEquals(200, restarted.api.post("/api/schedules/" + id + "/pause", null).status());
        byOccurrence = occurrences(restarted, id);

        List<Instant> times = new ArrayList<>(byOccurrence.keySet());
        Instant lastBefore = times.stream().filter(at -> !at.isAfter(down)).reduce((a, b) -> b).orElseThrow();
        Instant catchUp = times.stream().filter(at -> at.isAfter(down)).findFirst().orElseThrow();
        long missed = Duration.between(lastBefore, catchUp).toSeconds() / 2 - 1;
        assertTrue(missed >= 2, "occurrences while every instance was down: " + times);
        assertEquals(0, Duration.between(created, catchUp).toMillis() % 2000);
        // the catch-up job is listed once made; its occurrence is recorded (and counted) after it is queued
        Wait.until("the catch-up run counted as started", DEADLINE, () -> runs(restarted, "started") >= 1);
        assertEquals((double) missed, runs(restarted, "missed"), "the occurrences before the catch-up run: missed");
        byOccurrence.values().forEach(jobs -> assertEquals(1, jobs.size(), jobs.toString()));
        JsonNode finished = restarted.api.awaitFinished(byOccurrence.get(catchUp).get(0).get("id").asText(), DEADLINE);
        assertEquals(rows.expectedCount(START, END), finished.get("result").asLong());
    }

    private static JsonNode create(AppProcess instance, String body) {
        var created = instance.api.post("/api/schedules", body, "Content-Type", "application/json");
        assertEquals(201, created.status(), created.toString());
        return created.json();
    }

    /** The schedule's jobs by the occurrence they were made for, oldest first. */
    private static Map<Instant, List<JsonNode>> occurrences(AppProcess instance, String scheduleId) {
        Map<Instant, List<JsonNode>> jobs = new TreeMap<>();
        for (JsonNode job : instance.api.get("/api/status?top=1000").json()) {
            if (scheduleId.equals(job.at("/input/scheduleId").asText(null))) {
                jobs.computeIfAbsent(Instant.parse(job.at("/input/occurrenceTime").asText()), at -> new ArrayList<>())
                        .add(job);
            }
        }
        return jobs;
    }

    private static double runs(AppProcess instance, String outcome) {
        return Observe.metric(instance.api.get(instance.managementBase() + "/observe/metrics").body(),
                "audit_schedule_runs_total{outcome=\"" + outcome + "\"}");
    }
}
