package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Observe;
import io.asynctablequery.support.StorageFaultTestSupport;
import io.asynctablequery.support.Wait;
import io.asynctablequery.support.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schedules (SPEC §17) end to end over HTTP with the memory store: the document, runs every few seconds (a test
 * setting lowers {@code schedules.min-interval}) whose jobs count their range exactly, overlap {@code skip} and
 * {@code bufferOne} with a slow job (storage slowed by a fault proxy), trigger, pause, unpause, replace, delete, paging
 * and every invalid field. The rows cover the days before today, so that {@code lastDays} ranges count real data.
 */
class SchedulesTest extends StorageFaultTestSupport {

    private static final Duration RUNS = Duration.ofSeconds(60);
    private final AuditRows rows = new AuditRows();
    private final WebhookReceiver receiver = new WebhookReceiver();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("schedules.min-interval", "PT1S");
        properties.setProperty("schedules.tick", "PT0.2S");
        properties.setProperty("jobs.workers", "2");
        properties.setProperty("audit.scan-slice-days", "1");
        properties.setProperty("audit.scan-parallelism", "1");
        properties.setProperty("api.callback-allowed-hosts", "http://127.0.0.1:" + receiver.port());
        properties.setProperty("api.webhook-secret", "whsec_dGhpcnR5LXR3byBieXRlcyBvZiBhIHRlc3Qga2V5ISE=");
    }

    @BeforeAll
    void seed() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (LocalDate day = today.minusDays(40); !day.isAfter(today); day = day.plusDays(1)) {
            for (int i = 0; i < 15; i++) {
                rows.add(day.toString(), "C" + i, "ID" + (day.getDayOfYear() * 7 + i * 3) % 300);
            }
        }
        seed(rows);
    }

    @AfterAll
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void eachRunsJobCallsTheSchedulesWebhookWhenItEnds() {
        String hook = "/scheduled-" + System.nanoTime();
        String id = create("{\"name\": \"with a webhook\", \"cron\": \"0 6 * * *\", \"paused\": true, \"range\": "
                + "{\"lastDays\": 3}, \"callbackUrl\": \"" + receiver.url(hook) + "?token=abc\"}").json().get("id").asText();
        HttpResult triggered = api.post("/api/schedules/" + id + "/trigger", null);
        assertEquals(202, triggered.status(), triggered.toString());
        String job = triggered.json().get("id").asText();
        Wait.until("the run's webhook", RUNS, () -> !receiver.receivedAt(hook).isEmpty());
        String body = receiver.receivedAt(hook).get(0).body();
        assertTrue(body.contains(job), body);
        assertTrue(body.contains("\"scheduleId\":\"" + id + "\""), body);
        assertEquals(204, api.delete("/api/schedules/" + id).status());
    }

    @Test
    void aScheduleRunsAtEachOccurrenceAndEachRunCountsItsDaysExactly() {
        JsonNode schedule = create("{\"name\": \"every two seconds\", \"every\": \"PT2S\", \"range\": {\"lastDays\": 5}}")
                .json();
        String id = schedule.get("id").asText();
        Instant created = Instant.parse(schedule.get("createdTime").asText());
        assertEquals(5, schedule.get("nextRunTimes").size());
        for (int k = 0; k < 5; k++) { // whole multiples of the interval after createdTime
            assertEquals(created.plusSeconds(2L * (k + 1)), Instant.parse(schedule.get("nextRunTimes").get(k).asText()));
        }
        double startedBefore = runs("started");

        List<JsonNode> jobs = Wait.forValue("three runs completed", RUNS, () -> finishedJobs(id), done -> done.size() >= 3);
        pause(id);

        Set<Instant> occurrences = new HashSet<>();
        for (JsonNode job : jobs) {
            JsonNode finished = api.awaitFinished(job.get("id").asText());
            assertEquals("Completed", finished.get("runtimeStatus").asText());
            JsonNode input = finished.get("input");
            assertEquals(id, input.get("scheduleId").asText());
            Instant occurrence = Instant.parse(input.get("occurrenceTime").asText());
            assertTrue(occurrences.add(occurrence), "one job per occurrence");
            assertEquals(0, Duration.between(created, occurrence).toMillis() % 2000, occurrence + " after " + created);
            LocalDate yesterday = occurrence.atZone(ZoneOffset.UTC).toLocalDate().minusDays(1);
            assertEquals(yesterday.toString(), input.get("end").asText());
            assertEquals(yesterday.minusDays(4).toString(), input.get("start").asText());
            assertEquals(rows.expectedCount(input.get("start").asText(), input.get("end").asText()),
                    finished.get("result").asLong());
        }
        JsonNode document = api.get("/api/schedules/" + id).json();
        assertTrue(document.get("paused").asBoolean());
        assertTrue(document.get("recentJobs").size() >= 3);
        assertEquals("Completed", document.get("recentJobs").get(document.get("recentJobs").size() - 1)
                .get("status").asText());
        assertTrue(runs("started") - startedBefore >= 3);
        assertEquals(204, api.delete("/api/schedules/" + id).status());
    }

    @Test
    void overlapSkipRunsNothingWhileTheRunGoesOnAndBufferOneRunsTheHeldOccurrenceAfterIt() {
        storage.delay(150); // a run of 12 days, one page each: about two seconds
        try {
            String skip = create("{\"name\": \"skip\", \"every\": \"PT1S\", \"range\": {\"lastDays\": 12}}")
                    .json().get("id").asText();
            double skippedBefore = runs("skipped");
            List<JsonNode> skipJobs = Wait.forValue("two runs of the skip schedule", RUNS, () -> finishedJobs(skip),
                    done -> done.size() >= 2);
            pause(skip);
            JsonNode first = api.awaitFinished(oldest(skipJobs).get("id").asText());
            JsonNode second = api.awaitFinished(skipJobs.get(skipJobs.size() - 2).get("id").asText());
            assertTrue(!occurrence(second).isBefore(Instant.parse(first.get("lastUpdatedTime").asText())
                    .minusSeconds(1)), "the next run is for an occurrence after the first ended (others skipped)");
            assertTrue(runs("skipped") > skippedBefore, "occurrences during the run were counted as skipped");

            String buffer = create("{\"name\": \"buffer\", \"every\": \"PT1S\", \"overlap\": \"bufferOne\", "
                    + "\"range\": {\"lastDays\": 12}}").json().get("id").asText();
            List<JsonNode> bufferJobs = Wait.forValue("two runs of the bufferOne schedule", RUNS,
                    () -> finishedJobs(buffer), done -> done.size() >= 2);
            pause(buffer);
            JsonNode firstRun = api.awaitFinished(oldest(bufferJobs).get("id").asText());
            JsonNode held = api.awaitFinished(bufferJobs.get(bufferJobs.size() - 2).get("id").asText());
            assertEquals(occurrence(firstRun).plusSeconds(1), occurrence(held),
                    "the occurrence right after the first run's is held and runs next");
            assertFalse(Instant.parse(held.get("createdTime").asText())
                    .isBefore(Instant.parse(firstRun.get("lastUpdatedTime").asText())), "it starts when the first ends");
            assertEquals(rows.expectedCount(held.at("/input/start").asText(), held.at("/input/end").asText()),
                    held.get("result").asLong());
        } finally {
            storage.pass();
        }
    }

    @Test
    void triggerRunsNowWhilePausedAndTheOverlapRuleRefusesASecondWhileTheFirstRuns() {
        LocalDate start = LocalDate.now(ZoneOffset.UTC).minusDays(20);
        LocalDate end = start.plusDays(10);
        JsonNode schedule = create("{\"name\": \"by hand\", \"cron\": \"0 6 * * *\", \"timeZone\": \"Europe/Berlin\", "
                + "\"range\": {\"s\": \"" + start + "\", \"e\": \"" + end + "\"}, \"paused\": true}").json();
        String id = schedule.get("id").asText();
        assertTrue(schedule.get("paused").asBoolean());
        storage.delay(150);
        HttpResult triggered;
        try {
            triggered = api.post("/api/schedules/" + id + "/trigger", null);
            assertEquals(202, triggered.status(), triggered.toString());
            assertTrue(triggered.header("Location").startsWith(base() + "/api/status/"));
            HttpResult again = api.post("/api/schedules/" + id + "/trigger", null);
            assertEquals(409, again.status(), again.toString());
        } finally {
            storage.pass();
        }
        JsonNode job = api.awaitFinished(triggered.json().get("id").asText());
        assertEquals("Completed", job.get("runtimeStatus").asText());
        assertEquals(id, job.at("/input/scheduleId").asText());
        assertEquals(start.toString(), job.at("/input/start").asText());
        assertEquals(rows.expectedCount(start.toString(), end.toString()), job.get("result").asLong());
        assertEquals(1, finishedJobs(id).size(), "a paused schedule runs nothing by itself");
    }

    @Test
    void pauseUnpauseReplaceAndDeleteAnswerWithTheDocument() {
        HttpResult created = create("{\"name\": \"month\", \"cron\": \"0 6 1 * *\", \"range\": {\"previousMonth\": "
                + "true}, \"callbackUrl\": \"" + receiver.url("/hook") + "?secret=s3cr3t\"}");
        String id = created.json().get("id").asText();
        assertEquals(base() + "/api/schedules/" + id, created.header("Location"));
        assertEquals(receiver.url("/hook"), created.json().get("callbackUrl").asText());
        assertFalse(created.body().contains("s3cr3t"));
        assertEquals("UTC", created.json().get("timeZone").asText());
        assertEquals("skip", created.json().get("overlap").asText());
        assertEquals("PT1H", created.json().get("catchupWindow").asText());
        Instant nextFirst = Instant.parse(created.json().get("nextRunTimes").get(0).asText());
        assertEquals(1, nextFirst.atZone(ZoneOffset.UTC).getDayOfMonth());
        assertEquals(6, nextFirst.atZone(ZoneOffset.UTC).getHour());

        JsonNode paused = api.post("/api/schedules/" + id + "/pause", null).json();
        assertTrue(paused.get("paused").asBoolean());
        JsonNode unpaused = api.post("/api/schedules/" + id + "/unpause", null).json();
        assertFalse(unpaused.get("paused").asBoolean());

        HttpResult replaced = api.send("PUT", "/api/schedules/" + id, "{\"name\": \"weekly\", \"every\": \"P7D\", "
                + "\"lastDays\": 7, \"overlap\": \"allowAll\"}", "Content-Type", "application/json");
        assertEquals(200, replaced.status(), replaced.toString());
        assertEquals("weekly", replaced.json().get("name").asText());
        assertEquals("PT168H", replaced.json().get("every").asText());
        assertEquals(7, replaced.json().at("/range/lastDays").asInt());
        assertFalse(replaced.json().has("cron"));
        assertFalse(replaced.json().has("callbackUrl"));
        assertEquals(created.json().get("createdTime"), replaced.json().get("createdTime"));
        HttpResult badReplace = api.send("PUT", "/api/schedules/" + id, "{\"name\": \"weekly\", \"every\": \"P7D\"}",
                "Content-Type", "application/json");
        assertEquals(400, badReplace.status(), badReplace.toString());
        assertTrue(badReplace.json().get("detail").asText().startsWith("range:"));
        assertEquals(415, api.send("PUT", "/api/schedules/" + id, "name=n", "Content-Type", "text/plain").status());
        assertEquals("weekly", api.get("/api/schedules/" + id).json().get("name").asText(), "nothing changed");
        assertEquals(replaced.json().get("lastUpdatedTime"), api.get("/api/schedules/" + id).json()
                .get("lastUpdatedTime"));

        assertEquals(204, api.delete("/api/schedules/" + id).status());
        assertEquals(404, api.get("/api/schedules/" + id).status());
        assertEquals(404, api.delete("/api/schedules/" + id).status());
        assertEquals(404, api.post("/api/schedules/" + id + "/trigger", null).status());
        assertEquals(404, api.get("/api/schedules/not-a-schedule").status());
    }

    @Test
    void theListIsPagedNewestFirst() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(0, create("{\"name\": \"page " + i + "\", \"cron\": \"0 6 * * *\", \"paused\": true, \"range\": "
                    + "{\"lastDays\": 3}}").json().get("id").asText());
        }
        List<String> listed = new ArrayList<>();
        String token = null;
        do {
            HttpResult page = token == null ? api.get("/api/schedules?top=2")
                    : api.get("/api/schedules?top=2", "x-ms-continuation-token", token);
            assertEquals(200, page.status(), page.toString());
            assertTrue(page.json().size() <= 2);
            page.json().forEach(document -> listed.add(document.get("id").asText()));
            token = page.header("x-ms-continuation-token");
        } while (token != null);
        assertTrue(listed.containsAll(ids));
        List<String> ours = listed.stream().filter(ids::contains).toList();
        assertEquals(ids, ours, "newest first");
        assertEquals(400, api.get("/api/schedules", "x-ms-continuation-token", "bm90IGEgdG9rZW4").status());
        ids.forEach(id -> api.delete("/api/schedules/" + id));
    }

    @Test
    void everyInvalidFieldIsABadRequestNamingItAndNothingIsKept() {
        int before = api.get("/api/schedules?top=1000").json().size();
        Map<String, String> bodies = Map.ofEntries(
                Map.entry("range", "{\"name\": \"n\", \"every\": \"PT1H\"}"),
                Map.entry("name", "{\"every\": \"PT1H\", \"range\": {\"lastDays\": 3}}"),
                Map.entry("cron", "{\"name\": \"n\", \"cron\": \"61 * * * *\", \"range\": {\"lastDays\": 3}}"),
                Map.entry("timeZone", "{\"name\": \"n\", \"cron\": \"0 6 * * *\", \"timeZone\": \"Mars/Olympus\", "
                        + "\"range\": {\"lastDays\": 3}}"),
                Map.entry("every", "{\"name\": \"n\", \"every\": \"PT0.5S\", \"range\": {\"lastDays\": 3}}"),
                Map.entry("overlap", "{\"name\": \"n\", \"every\": \"PT1H\", \"overlap\": \"sometimes\", "
                        + "\"range\": {\"lastDays\": 3}}"),
                Map.entry("catchupWindow", "{\"name\": \"n\", \"every\": \"PT1H\", \"catchupWindow\": \"soon\", "
                        + "\"range\": {\"lastDays\": 3}}"),
                Map.entry("callbackUrl", "{\"name\": \"n\", \"every\": \"PT1H\", \"callbackUrl\": "
                        + "\"http://169.254.169.254/latest\", \"range\": {\"lastDays\": 3}}"),
                Map.entry("fresh", "{\"name\": \"n\", \"every\": \"PT1H\", \"fresh\": \"yes\", "
                        + "\"range\": {\"lastDays\": 3}}"));
        bodies.forEach((field, body) -> {
            HttpResult answer = api.post("/api/schedules", body, "Content-Type", "application/json");
            assertEquals(400, answer.status(), field + ": " + answer);
            assertEquals("application/problem+json", answer.contentType());
            assertTrue(answer.json().get("detail").asText().startsWith(field + ":"), answer.toString());
        });
        for (String range : List.of("{\"lastDays\": 1}", "{\"lastDays\": 400}", "{\"s\": \"31/01/2021\", \"e\": "
                + "\"01/01/2021\"}", "{\"lastDays\": 3, \"previousMonth\": true}", "{\"previousMonth\": false}")) {
            HttpResult answer = api.post("/api/schedules", "{\"name\": \"n\", \"every\": \"PT1H\", \"range\": "
                    + range + "}", "Content-Type", "application/json");
            assertEquals(400, answer.status(), range + ": " + answer);
            assertTrue(answer.json().get("detail").asText().startsWith("range:"), answer.toString());
        }
        HttpResult both = api.post("/api/schedules", "{\"name\": \"n\", \"every\": \"PT1H\", \"cron\": \"0 6 * * *\", "
                + "\"range\": {\"lastDays\": 3}}", "Content-Type", "application/json");
        assertEquals(400, both.status());
        HttpResult unknown = api.post("/api/schedules", "{\"name\": \"n\", \"every\": \"PT1H\", \"colour\": \"red\", "
                + "\"range\": {\"lastDays\": 3}}", "Content-Type", "application/json");
        assertTrue(unknown.json().get("detail").asText().startsWith("colour:"), unknown.toString());
        assertEquals(415, api.post("/api/schedules", "name=n", "Content-Type", "text/plain").status());
        assertEquals(400, api.post("/api/schedules", "[1]", "Content-Type", "application/json").status());
        assertEquals(before, api.get("/api/schedules?top=1000").json().size());
    }

    private HttpResult create(String body) {
        HttpResult created = api.post("/api/schedules", body, "Content-Type", "application/json");
        assertEquals(201, created.status(), created.toString());
        return created;
    }

    private void pause(String id) {
        assertEquals(200, api.post("/api/schedules/" + id + "/pause", null).status());
    }

    /** The schedule's finished jobs, newest first, as the list shows them. */
    private List<JsonNode> finishedJobs(String scheduleId) {
        List<JsonNode> finished = new ArrayList<>();
        for (JsonNode job : api.get("/api/status?runtimeStatus=Completed,Failed,Terminated&top=1000").json()) {
            if (scheduleId.equals(job.at("/input/scheduleId").asText(null))) {
                finished.add(job);
            }
        }
        return finished;
    }

    private static JsonNode oldest(List<JsonNode> jobs) {
        return jobs.get(jobs.size() - 1);
    }

    private static Instant occurrence(JsonNode job) {
        Instant occurrence = Instant.parse(job.at("/input/occurrenceTime").asText());
        assertNotNull(occurrence);
        return occurrence;
    }

    private double runs(String outcome) {
        return Observe.metric(api.get(managementBase() + "/observe/metrics").body(),
                "audit_schedule_runs_total{outcome=\"" + outcome + "\"}");
    }
}
