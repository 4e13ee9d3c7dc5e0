package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.rest.SimpleResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.SyncDefaultPollingStrategy;
import com.azure.core.util.polling.SyncPoller;
import com.azure.core.util.serializer.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.EventStreamClient;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Observe;
import io.asynctablequery.support.StorageFaultTestSupport;
import io.asynctablequery.support.Wait;
import io.asynctablequery.support.WebhookReceiver;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Durable's management of a job beyond terminate (SPEC §15), end to end over HTTP with the memory store and its
 * checkpoints: suspend and resume, rewind after a storage outage, restart both ways, history, purge by filter, the
 * list's id prefix, and every wrong state. Storage is reached through a fault proxy that slows each request, so that
 * a scan of a day per slice takes seconds and can be caught half way; the entities the scans read are the app's own
 * counter, {@code audit_scan_entities_total}.
 */
class JobControlsTest extends StorageFaultTestSupport {

    private static final int ROWS_PER_DAY = 20;
    private final AuditRows rows = new AuditRows();
    private final WebhookReceiver receiver = new WebhookReceiver();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.workers", "1");
        properties.setProperty("audit.scan-slice-days", "1");
        properties.setProperty("audit.scan-parallelism", "1");
        properties.setProperty("jobs.storage-outage-tolerance", "PT2S");
        properties.setProperty("api.callback-allowed-hosts", "http://127.0.0.1:" + receiver.port());
        properties.setProperty("api.webhook-secret", "whsec_" + Base64.getEncoder().encodeToString(
                "a test key of thirty-two bytes!!".getBytes(StandardCharsets.UTF_8)));
    }

    @AfterAll
    void stopReceiver() {
        receiver.close();
    }

    @BeforeAll
    void seed() {
        for (LocalDate day = LocalDate.of(2023, 1, 1); day.isBefore(LocalDate.of(2023, 3, 1)); day = day.plusDays(1)) {
            for (int i = 0; i < ROWS_PER_DAY; i++) {
                rows.add(day.toString(), "C" + i, "ID" + (day.getDayOfYear() * 3 + i) % 400);
            }
        }
        seed(rows);
    }

    @AfterEach
    void storageBack() {
        storage.pass();
        storage.delay(0);
    }

    @Test
    void aSuspendedJobStopsFreesItsWorkerAndResumesFromItsCheckpoint() {
        storage.delay(150);
        String id = submit("01/01/2023", "31/01/2023");
        Wait.until("half the days read", DEADLINE, () -> partitionsDone(id) >= 15);
        double readBefore = entitiesRead();
        EventStreamClient stream = EventStreamClient.open(base() + "/api/status/" + id);

        HttpResult suspended = post("/api/status/" + id + "/suspend?reason=maintenance%20window", null);

        assertEquals(202, suspended.status(), suspended.toString());
        assertEquals(base() + "/api/status/" + id, suspended.header("Location"));
        Wait.until("the scan stopped", DEADLINE, () -> running() == 0);
        HttpResult status = get("/api/status/" + id);
        assertEquals(202, status.status(), "a Suspended job is not finished");
        assertEquals("Suspended", status.json().get("runtimeStatus").asText());
        assertEquals("1", status.header("Retry-After"));
        assertEquals("Running", get("/api/operations/" + id).json().get("status").asText(),
                "pollers of the operation go on polling");
        assertEquals(409, get("/api/results/" + id).status());
        Wait.until("the event stream shows Suspended", DEADLINE, () -> stream.events().stream()
                .anyMatch(event -> "Suspended".equals(event.data().get("runtimeStatus").asText())));
        assertFalse(stream.isClosed(), "a Suspended job is not finished: its stream stays open");
        int doneAtSuspend = partitionsDone(id);
        // The worker is free: another job runs to its answer while this one is suspended.
        JsonNode other = awaitFinished(submit("01/02/2023", "03/02/2023"));
        assertEquals(rows.expectedCount("2023-02-01", "2023-02-03"), other.get("result").asLong());
        assertEquals("Suspended", get("/api/status/" + id).json().get("runtimeStatus").asText());

        double readBeforeResume = entitiesRead();
        assertEquals(202, post("/api/status/" + id + "/resume?reason=window%20over", null).status());
        JsonNode done = awaitFinished(id);

        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        stream.awaitClosed(DEADLINE);
        List<EventStreamClient.Event> streamed = stream.events();
        assertEquals("Completed", streamed.get(streamed.size() - 1).data().get("runtimeStatus").asText());
        assertEquals(rows.expectedCount("2023-01-01", "2023-01-31"), done.get("result").asLong());
        assertEquals(31L * ROWS_PER_DAY, done.at("/customStatus/entitiesScanned").asLong());
        int fromCheckpoint = done.at("/customStatus/partitionsFromCheckpoint").asInt();
        assertTrue(fromCheckpoint >= doneAtSuspend, fromCheckpoint + " days from the checkpoint, " + doneAtSuspend
                + " done at the suspend");
        double readAfterResume = entitiesRead() - readBeforeResume;
        assertEquals((31 - fromCheckpoint) * ROWS_PER_DAY, readAfterResume, 0.0,
                "only the days the checkpoint did not answer are read again");
        assertTrue(readBefore >= 15 * ROWS_PER_DAY);

        List<String> events = new ArrayList<>();
        JsonNode history = get("/api/status/" + id + "?showHistory=true").json().get("historyEvents");
        history.forEach(event -> events.add(event.get("eventType").asText()));
        assertEquals(List.of("Submitted", "Started", "Suspended", "Resumed", "Started", "Completed"), events);
        assertEquals("maintenance window", history.get(2).get("reason").asText());
        assertEquals("window over", history.get(3).get("reason").asText());
        assertEquals(doneAtSuspend, history.get(2).get("partitionsDone").asInt());
        history.forEach(event -> assertTrue(event.get("instance").asText().endsWith("-" + ProcessHandle.current()
                .pid()), event.toString()));
        assertTrue(get("/api/status/" + id).json().get("historyEvents") == null, "history only when asked");
    }

    @Test
    void anAzureSdkPollerDrivesASuspendedAndResumedJobToItsResult() {
        storage.delay(150);
        HttpPipeline pipeline = new HttpPipelineBuilder().build();
        com.azure.core.http.HttpRequest start = new com.azure.core.http.HttpRequest(HttpMethod.POST,
                base() + "/api/submit/query?" + query("01/01/2023", "31/01/2023"));
        SyncPoller<BinaryData, BinaryData> poller = SyncPoller.createPoller(Duration.ofMillis(100), () -> {
            com.azure.core.http.HttpResponse response = pipeline.sendSync(start, Context.NONE);
            return new SimpleResponse<>(response.getRequest(), response.getStatusCode(), response.getHeaders(),
                    response.getBodyAsBinaryData());
        }, new SyncDefaultPollingStrategy<>(pipeline), TypeReference.createInstance(BinaryData.class),
                TypeReference.createInstance(BinaryData.class));
        String id = get("/api/status?top=1").json().get(0).get("id").asText(); // the job the poller started
        assertEquals(202, post("/api/status/" + id + "/suspend", null).status());

        for (int i = 0; i < 3; i++) {
            assertEquals(LongRunningOperationStatus.IN_PROGRESS, poller.poll().getStatus(),
                    "a Suspended job is still in progress for a poller");
        }
        assertEquals(202, post("/api/status/" + id + "/resume", null).status());

        assertEquals(LongRunningOperationStatus.SUCCESSFULLY_COMPLETED, poller.waitForCompletion(DEADLINE).getStatus());
        JsonNode result = new HttpResult(200, null, poller.getFinalResult().toString()).json();
        assertEquals(rows.expectedCount("2023-01-01", "2023-01-31"), result.get("result").asLong());
    }

    @Test
    void aJobFailedByAnOutageIsRewoundFromItsCheckpointAndItsWebhookFiresAgain() {
        storage.delay(150);
        String hook = "/rewound-" + UUID.randomUUID();
        String id = get("/api/submit/query?" + query("01/02/2023", "28/02/2023") + "&callbackUrl="
                + URLEncoder.encode(receiver.url(hook), StandardCharsets.UTF_8)).json().get("id").asText();
        Wait.until("some days read", DEADLINE, () -> partitionsDone(id) >= 10);
        storage.refuse();
        JsonNode failed = awaitFinished(id);
        assertEquals("Failed", failed.get("runtimeStatus").asText(), failed.toString());
        int doneAtFailure = failed.at("/customStatus/partitionsDone").asInt();
        storage.pass();
        assertEquals(412, post("/api/status/" + awaitFinished(submit("01/02/2023", "02/02/2023")).get("id").asText()
                + "/rewind", null).status(), "only a Failed job can be rewound");

        double readBefore = entitiesRead();
        HttpResult rewound = post("/api/status/" + id + "/rewind?reason=storage%20is%20back", null);

        assertEquals(202, rewound.status(), rewound.toString());
        JsonNode done = awaitFinished(id);
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(rows.expectedCount("2023-02-01", "2023-02-28"), done.get("result").asLong());
        assertTrue(done.get("error").isNull(), "the failure is gone with the new outcome");
        int fromCheckpoint = done.at("/customStatus/partitionsFromCheckpoint").asInt();
        assertTrue(fromCheckpoint >= doneAtFailure, fromCheckpoint + " < " + doneAtFailure);
        assertEquals((28 - fromCheckpoint) * ROWS_PER_DAY, entitiesRead() - readBefore, 0.0);
        List<String> events = new ArrayList<>();
        get("/api/status/" + id + "?showHistory=true").json().get("historyEvents")
                .forEach(event -> events.add(event.get("eventType").asText()));
        assertEquals(List.of("Submitted", "Started", "Failed", "Rewound", "Started", "Completed"), events);
        Wait.until("two webhooks", DEADLINE, () -> receiver.receivedAt(hook).size() >= 2);
        List<WebhookReceiver.Received> hooks = receiver.receivedAt(hook);
        // deliveries are asynchronous: the two ends' events may come in either order
        assertEquals(Set.of("io.asynctablequery.job.failed", "io.asynctablequery.job.completed"),
                Set.of(type(hooks.get(0)), type(hooks.get(1))));
        assertNotEquals(hooks.get(0).header("webhook-id"), hooks.get(1).header("webhook-id"), "one event per end");
    }

    @Test
    void aFinishedJobRestartsAsANewJobOrUnderItsOwnId() {
        String id = submit("01/01/2023", "05/01/2023");
        long expected = rows.expectedCount("2023-01-01", "2023-01-05");
        assertEquals(expected, awaitFinished(id).get("result").asLong());

        HttpResult asNew = post("/api/status/" + id + "/restart", null);

        assertEquals(202, asNew.status(), asNew.toString());
        String newId = asNew.json().get("id").asText();
        assertNotEquals(id, newId);
        assertEquals(base() + "/api/status/" + newId, asNew.header("Location"));
        assertEquals(base() + "/api/status/" + newId + "/restart", asNew.json().get("restartPostUri").asText());
        JsonNode rerun = awaitFinished(newId);
        assertEquals(expected, rerun.get("result").asLong());
        assertEquals(rerun.get("input"), awaitFinished(id).get("input"));

        HttpResult sameId = post("/api/status/" + id + "/restart?restartWithNewInstanceId=false", null);

        assertEquals(202, sameId.status(), sameId.toString());
        assertEquals(id, sameId.json().get("id").asText());
        JsonNode again = awaitFinished(id);
        assertEquals(expected, again.get("result").asLong());
        assertEquals(0, again.at("/customStatus/partitionsFromCheckpoint").asInt(), "a restart is from the start");
        List<String> events = new ArrayList<>();
        get("/api/status/" + id + "?showHistory=true").json().get("historyEvents")
                .forEach(event -> events.add(event.get("eventType").asText()));
        assertEquals(List.of("Submitted", "Started", "Completed", "Restarted", "Started", "Completed"), events);
    }

    @Test
    void wrongStatesAnswerAsDurablesApiDoes() {
        String completed = submit("01/01/2023", "02/01/2023");
        awaitFinished(completed);
        String unknown = UUID.randomUUID().toString();
        for (String action : List.of("suspend", "resume", "rewind", "restart", "terminate")) {
            HttpResult missing = post("/api/status/" + unknown + "/" + action, null);
            assertEquals(404, missing.status(), action);
            assertEquals("application/problem+json", missing.contentType(), action);
        }
        assertEquals(410, post("/api/status/" + completed + "/suspend", null).status());
        assertEquals(410, post("/api/status/" + completed + "/resume", null).status());
        HttpResult notFailed = post("/api/status/" + completed + "/rewind", null);
        assertEquals(412, notFailed.status());
        assertTrue(notFailed.json().get("detail").asText().contains("Completed"), notFailed.toString());

        storage.delay(200);
        String running = submit("01/01/2023", "31/01/2023");
        awaitStatus(running, "Running");
        assertEquals(409, post("/api/status/" + running + "/restart", null).status(), "a job not finished");
        assertEquals(412, post("/api/status/" + running + "/rewind", null).status());
        assertEquals(202, post("/api/status/" + running + "/resume", null).status(), "not Suspended: nothing to do");
        assertEquals("Running", get("/api/status/" + running).json().get("runtimeStatus").asText());
        HttpResult longReason = post("/api/status/" + running + "/suspend?reason=" + "x".repeat(501), null);
        assertEquals(400, longReason.status(), "a long reason is refused, not cut");
        assertEquals(400, post("/api/status/" + running + "/resume?reason=" + "x".repeat(501), null).status());
        assertEquals(400, post("/api/status/" + running + "/rewind?reason=" + "x".repeat(501), null).status());
        assertEquals(400, post("/api/status/" + running + "/terminate?reason=" + "x".repeat(1001), null).status());
        assertEquals("Running", get("/api/status/" + running).json().get("runtimeStatus").asText());
        assertEquals(400, post("/api/status/" + completed + "/restart?restartWithNewInstanceId=maybe", null)
                .status());
        assertEquals(202, post("/api/status/" + running + "/suspend", null).status());
        assertEquals(202, post("/api/status/" + running + "/suspend", null).status(), "suspended already");
        assertEquals(409, delete("/api/status/" + running).status(), "a Suspended job is not purged");
        assertEquals(202, post("/api/status/" + running + "/terminate", null).status(), "a Suspended job ends");
        assertEquals("Terminated", awaitFinished(running).get("runtimeStatus").asText());
        assertEquals(412, post("/api/status/" + running + "/rewind", null).status());
    }

    @Test
    void theCheckStatusBodyHasDurablesManagementLinks() {
        HttpResult submitted = get("/api/submit/query?" + query("01/01/2023", "02/01/2023"));
        String id = submitted.json().get("id").asText();
        String status = base() + "/api/status/" + id;
        assertEquals(status + "/suspend?reason={text}", submitted.json().get("suspendPostUri").asText());
        assertEquals(status + "/resume?reason={text}", submitted.json().get("resumePostUri").asText());
        assertEquals(status + "/rewind?reason={text}", submitted.json().get("rewindPostUri").asText());
        assertEquals(status + "/restart", submitted.json().get("restartPostUri").asText());
        awaitFinished(id);
    }

    @Test
    void purgeByFilterRemovesTheFinishedJobsThatMatch() {
        storage.delay(200);
        String kept = submit("01/01/2023", "31/01/2023");
        awaitStatus(kept, "Running");
        storage.delay(0);
        HttpResult noFilter = delete("/api/status");
        assertEquals(400, noFilter.status(), noFilter.toString());
        assertEquals("application/problem+json", noFilter.contentType());
        assertEquals(400, delete("/api/status?createdTimeFrom=yesterday").status());

        HttpResult none = delete("/api/status?runtimeStatus=Running");
        assertEquals(200, none.status());
        assertEquals(0, none.json().get("instancesDeleted").asInt(), "only finished jobs are purged");

        post("/api/status/" + kept + "/terminate", null);
        awaitFinished(kept);
        List<String> finished = new ArrayList<>();
        for (JsonNode job : get("/api/status?runtimeStatus=Completed,Failed,Terminated&top=1000").json()) {
            finished.add(job.get("id").asText());
        }
        HttpResult purged = delete("/api/status?runtimeStatus=Completed,Terminated,Failed&createdTimeFrom=2000-01-01");
        assertEquals(200, purged.status(), purged.toString());
        assertEquals(finished.size(), purged.json().get("instancesDeleted").asInt());
        assertEquals(404, get("/api/status/" + kept).status());
        assertEquals(0, get("/api/status?runtimeStatus=Completed,Failed,Terminated").json().size());
    }

    @Test
    void theListTakesAnIdPrefix() {
        String id = submit("01/01/2023", "02/01/2023");
        awaitFinished(id);
        JsonNode listed = get("/api/status?instanceIdPrefix=" + id.substring(0, 8)).json();
        assertEquals(1, listed.size(), listed.toString());
        assertEquals(id, listed.get(0).get("id").asText());
        assertNull(get("/api/status?showInput=false&instanceIdPrefix=" + id).json().get(0).get("input"));
        assertEquals(400, get("/api/status?instanceIdPrefix=not-an-id!").status());
    }

    private static String type(WebhookReceiver.Received hook) {
        return new HttpResult(200, null, hook.body()).json().get("type").asText();
    }

    private int partitionsDone(String id) {
        return get("/api/status/" + id).json().at("/customStatus/partitionsDone").asInt();
    }

    private double entitiesRead() {
        return Observe.metric(metrics(), "audit_scan_entities_total");
    }

    private double running() {
        return Observe.metric(metrics(), "audit_jobs_running");
    }

    private String metrics() {
        return api.get(managementBase() + "/observe/metrics").body();
    }
}
