package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.summaries.BlobSummarisedDays;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.FaultProxy;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Observe;
import io.asynctablequery.support.Wait;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Per-day summaries (SPEC §11) end to end over HTTP against Azurite's tables and blobs: a range asked again is
 * answered from the summaries of its settled days with the counts of a full scan and no entity read from the
 * table; a moved range reads only its new days; unsettled days are always read; a changed settled day is counted
 * after {@code fresh=true} or a {@code DELETE}; unreadable summaries are read again and rewritten; blob storage
 * refused or stalled leaves the table to answer. Blob storage is reached through a fault proxy. Every expected
 * figure is computed from the rows the test wrote.
 */
class SummariesTest extends ApiTestSupport {

    private static final Duration JOB_DEADLINE = Duration.ofSeconds(90);
    private final FaultProxy blobs = FaultProxy.to(azurite.blobPort());
    private final AuditRows rows = new AuditRows();
    private final ApiClient management = new ApiClient(this::managementBase);
    private final String container = "summaries-" + getClass().getSimpleName().toLowerCase();

    @Override
    protected String storageConnectionString() {
        return azurite.connectionString(azurite.tablePort(), azurite.queuePort(), blobs.port());
    }

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("audit.summaries", "true");
        properties.setProperty("audit.summaries.container", container);
        properties.setProperty("audit.scan-slice-days", "1");
        properties.setProperty("api.storage-timeout", "PT2S");
    }

    @AfterEach
    void blobStorageBack() {
        blobs.pass();
    }

    @AfterAll
    void stopProxy() {
        blobs.close();
    }

    @Test
    void aRangeAskedAgainIsAnsweredFromItsSummariesWithTheCountsOfAFullScan() {
        seedDays(LocalDate.of(2021, 1, 1), 90, 1);
        String start = "2021-01-01";
        String end = "2021-03-24";
        int days = 83;

        JsonNode first = run(start, end, false);
        assertExact(first, start, end, 0);
        assertListedAsTheRowsSay(start, end, days);

        String before = metrics();
        JsonNode second = run(start, end, false);
        String after = metrics();
        assertExact(second, start, end, days);
        assertEquals(0, delta(before, after, "audit_scan_entities_total"), "no entity read from the table");
        assertEquals(days, delta(before, after, "audit_summary_days_total{source=\"summary\"}"));
        assertEquals(0, delta(before, after, "audit_summary_days_total{source=\"scan\"}"));

        // Moved 7 days later: only the 7 new days are read from the table.
        String movedStart = "2021-01-08";
        String movedEnd = "2021-03-31";
        JsonNode moved = run(movedStart, movedEnd, false);
        String afterMoved = metrics();
        assertExact(moved, movedStart, movedEnd, days - 7);
        assertEquals(matching("2021-03-25", "2021-03-31"), delta(after, afterMoved, "audit_scan_entities_total"),
                "only the new days' entities are read");
        assertEquals(7, delta(after, afterMoved, "audit_summary_days_total{source=\"scan\"}"));
    }

    @Test
    void unsettledDaysAreAlwaysReadAndAChangedSettledDayIsCountedAfterFreshOrDelete() {
        // Days near now: keep the test clear of midnight (UTC), when the days settled would change under it.
        Wait.until("not within 3 minutes of midnight UTC", Duration.ofMinutes(4),
                () -> LocalTime.now(ZoneOffset.UTC).isBefore(LocalTime.of(23, 57)));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String start = today.minusDays(9).toString();
        String end = today.toString();
        int settled = 7; // today-9 .. today-3: a day is settled 2 days (audit.summaries.settled-after) after its end
        seedDays(today.minusDays(9), 10, 2);

        assertExact(run(start, end, false), start, end, 0);
        add(today.toString(), "NEW-TODAY");
        JsonNode withToday = run(start, end, false);
        assertExact(withToday, start, end, settled);

        add(today.minusDays(5).toString(), "NEW-SETTLED");
        JsonNode stale = run(start, end, false);
        assertEquals(rows.expectedCount(start, end) - 1, stale.get("result").asLong(),
                "a settled, summarised day keeps its summary until fresh=true or DELETE");

        JsonNode fresh = finished(submit("/api/submit/query?" + query(start, end) + "&fresh=true"));
        assertExact(fresh, start, end, 0);
        assertTrue(fresh.at("/input/fresh").asBoolean(), fresh.toString());
        assertExact(run(start, end, false), start, end, settled);

        add(today.minusDays(6).toString(), "NEW-AGAIN");
        assertEquals(rows.expectedCount(start, end) - 1, run(start, end, false).get("result").asLong());
        HttpResult removed = delete("/api/summaries?" + query(start, end));
        assertEquals(204, removed.status(), removed.toString());
        assertEquals(0, get("/api/summaries?" + query(start, end)).json().size());
        assertExact(run(start, end, false), start, end, 0);
    }

    @Test
    void deletedTruncatedAndGarbageSummariesAreReadAgainAndRewritten() {
        seedDays(LocalDate.of(2021, 5, 1), 20, 3);
        String start = "2021-05-01";
        String end = "2021-05-20";
        assertExact(run(start, end, false), start, end, 0);

        BlobContainerClient summaries = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .buildClient().getBlobContainerClient(container);
        summaries.getBlobClient(blobOf(summaries, "2021-05-03")).delete();
        String truncated = blobOf(summaries, "2021-05-07");
        byte[] whole = summaries.getBlobClient(truncated).downloadContent().toBytes();
        summaries.getBlobClient(truncated).upload(BinaryData.fromBytes(Arrays.copyOf(whole, whole.length / 2)), true);
        summaries.getBlobClient(blobOf(summaries, "2021-05-11"))
                .upload(BinaryData.fromBytes("garbage, not a summary".getBytes(StandardCharsets.UTF_8)), true);

        String before = metrics();
        assertExact(run(start, end, false), start, end, 17);
        assertEquals(2, delta(before, metrics(), "audit_summary_failures_total{operation=\"read\"}"),
                "the truncated and the garbage summary");
        assertExact(run(start, end, false), start, end, 20);
    }

    @Test
    void keysThatAreNotPlainDaysAreCountedAsTheOriginalQueryDoes() {
        seedDays(LocalDate.of(2021, 7, 1), 11, 4);
        add("2021-07-04x", "ODD-MIDDLE"); // inside the range 07-01..07-10 for the original filter
        add("2021-07-10x", "ODD-END"); // past its end key: not counted for a range ending 07-10
        String start = "2021-07-01";
        String end = "2021-07-10";

        assertExact(run(start, end, false), start, end, 0);
        JsonNode again = run(start, end, false);
        assertExact(again, start, end, 8); // the days holding other keys are never summarised
        assertExact(run(start, "2021-07-11", false), start, "2021-07-11", 8);
    }

    @Test
    void twoJobsAtOnceOverANewRangeAreBothExactAndLeaveTheSummariesOfAFreshScan() {
        seedDays(LocalDate.of(2021, 9, 1), 30, 5);
        String start = "2021-09-01";
        String end = "2021-09-30";
        String one = submit("/api/submit/query?" + query(start, end));
        String two = submit("/api/submit/query?" + query(start, end));
        List<JsonNode> both = List.of(finished(one), finished(two));
        for (JsonNode job : both) {
            assertEquals(rows.expectedCount(start, end), job.get("result").asLong(), job.toString());
        }
        Map<String, String> afterBoth = listedFigures(start, end);

        assertExact(finished(submit("/api/submit/query?" + query(start, end) + "&fresh=true")), start, end, 0);
        assertEquals(listedFigures(start, end), afterBoth);
        assertListedAsTheRowsSay(start, end, 30);
    }

    @Test
    void blobStorageRefusedOrStalledLeavesTheTableToAnswerExactly() {
        seedDays(LocalDate.of(2021, 11, 1), 15, 6);
        String start = "2021-11-01";
        String end = "2021-11-15";

        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger summaries = (Logger) LoggerFactory.getLogger(BlobSummarisedDays.class);
        log.start();
        summaries.addAppender(log);
        blobs.refuse();
        String before = metrics();
        assertExact(run(start, end, false), start, end, 0);
        assertTrue(delta(before, metrics(), "audit_summary_failures_total{operation=\"read\"}") >= 1);
        summaries.detachAppender(log);
        List<String> warnings = log.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(warnings.stream().anyMatch(line -> line.startsWith("Blob storage failed to list the summaries of "
                + start + ".." + end) && line.contains("reads its other days from the table")), warnings.toString());
        assertTrue(warnings.stream().noneMatch(line -> line.contains(Azurite.KEY)), "no account key in the log");
        for (HttpResult unavailable : List.of(get("/api/summaries?" + query(start, end)),
                delete("/api/summaries?" + query(start, end)))) {
            assertEquals(503, unavailable.status(), unavailable.toString());
            assertEquals("1", unavailable.header("Retry-After"));
        }

        blobs.pass();
        assertExact(run(start, end, false), start, end, 0);
        assertExact(run(start, end, false), start, end, 15);

        blobs.stall();
        before = metrics();
        long began = System.nanoTime();
        assertExact(run(start, end, false), start, end, 0);
        assertTrue(delta(before, metrics(), "audit_summary_failures_total{operation=\"read\"}") >= 1);
        assertTrue(System.nanoTime() - began < Duration.ofSeconds(30).toNanos(), "not held by the stalled blobs");
    }

    @Test
    void summariesWithBadDatesAreRefusedWithTheOriginalMessagesAndNothingIsRemoved() {
        seedDays(LocalDate.of(2020, 3, 1), 5, 7);
        assertExact(run("2020-03-01", "2020-03-05", false), "2020-03-01", "2020-03-05", 0);
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("e=05/03/2020", "Empty start date.");
        refusals.put("s=&e=05/03/2020", "Empty start date.");
        refusals.put("s=2020-13-45&e=05/03/2020", "Invalid start date format.");
        refusals.put("s=01/03/2020", "Empty end date.");
        refusals.put("s=01/03/2020&e=yesterday", "Invalid end date format.");
        refusals.put("s=05/03/2020&e=01/03/2020", "Invalid date range.");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            for (HttpResult refused : List.of(get("/api/summaries?" + refusal.getKey()),
                    delete("/api/summaries?" + refusal.getKey()))) {
                assertEquals(400, refused.status(), refusal.getKey() + ": " + refused);
                assertEquals("application/problem+json", refused.contentType());
                assertEquals(refusal.getValue(), refused.json().get("detail").asText());
                assertEquals(refusal.getValue(), refused.json().get("error").asText());
            }
        }
        assertEquals(5, get("/api/summaries?" + query("2020-03-01", "2020-03-05")).json().size(), "nothing removed");

        int jobs = jobCount();
        HttpResult notABoolean = get("/api/submit/query?" + query("2020-03-01", "2020-03-05") + "&fresh=maybe");
        assertEquals(400, notABoolean.status(), notABoolean.toString());
        assertEquals("fresh must be true or false.", notABoolean.json().get("detail").asText());
        HttpResult first = get("/api/submit/query?" + query("2020-03-01", "2020-03-05"), "Idempotency-Key", "k-fresh");
        HttpResult otherFresh = get("/api/submit/query?" + query("2020-03-01", "2020-03-05") + "&fresh=true",
                "Idempotency-Key", "k-fresh");
        assertEquals(409, otherFresh.status(), "the same key with another fresh is another request: " + otherFresh);
        assertEquals(jobs + 1, jobCount(), first.toString());
    }

    // --- the test's data and expectations ---

    /** Rows over {@code days} days from {@code first}: values repeat across days; some rows skipped or unmatched. */
    private void seedDays(LocalDate first, int days, long seed) {
        Random random = new Random(seed);
        AuditRows batch = new AuditRows();
        for (int day = 0; day < days; day++) {
            String key = first.plusDays(day).toString();
            int count = 8 + random.nextInt(12);
            for (int i = 0; i < count; i++) {
                int kind = random.nextInt(20);
                String cert = kind == 0 ? "" : kind == 1 ? null : "C" + i;
                Object id = kind == 2 ? null : kind == 3 ? Integer.valueOf(random.nextInt(50))
                        : "ID" + seed + "-" + random.nextInt(150);
                batch.add(key, cert, id);
                rows.add(key, cert, id);
            }
        }
        batch.insertInto(tables(), auditTable());
    }

    private void add(String partitionKey, String id) {
        new AuditRows().add(partitionKey, "C", id).insertInto(tables(), auditTable());
        rows.add(partitionKey, "C", id);
    }

    /** Entities the filter matches between two days, both included (what a scan reads of them). */
    private long matching(String start, String end) {
        return rows.rows().stream().filter(row -> row.getPartitionKey().compareTo(start) >= 0
                && row.getPartitionKey().compareTo(end) <= 0 && row.getProperty(AuditRows.REQUIRED) != null
                && !"".equals(row.getProperty(AuditRows.REQUIRED))).count();
    }

    private void assertExact(JsonNode job, String start, String end, int fromSummaries) {
        assertEquals("Completed", job.get("runtimeStatus").asText(), job.toString());
        assertEquals(rows.expectedCount(start, end), job.get("result").asLong(), job.toString());
        JsonNode custom = job.get("customStatus");
        assertEquals(matching(start, end), custom.get("entitiesScanned").asLong(), job.toString());
        assertEquals(rows.expectedSkipped(start, end), custom.get("entitiesSkipped").asLong(), job.toString());
        assertEquals(custom.get("partitionsTotal").asInt(), custom.get("partitionsDone").asInt(), job.toString());
        assertEquals(fromSummaries, custom.get("partitionsFromSummaries").asInt(), job.toString());
    }

    /** The listing of the range, each day's figures as the rows say. */
    private void assertListedAsTheRowsSay(String start, String end, int days) {
        HttpResult listed = get("/api/summaries?" + query(start, end));
        assertEquals(200, listed.status(), listed.toString());
        assertEquals(days, listed.json().size(), listed.body());
        for (JsonNode day : listed.json()) {
            String key = day.get("day").asText();
            assertEquals(rows.expectedCount(key, key), day.get("distinct").asLong(), day.toString());
            assertEquals(matching(key, key), day.get("entitiesScanned").asLong(), day.toString());
            assertEquals(rows.expectedSkipped(key, key), day.get("entitiesSkipped").asLong(), day.toString());
            assertTrue(day.get("summarisedTime").asText().endsWith("Z"), day.toString());
        }
    }

    /** Each listed day's figures, without the time it was summarised. */
    private Map<String, String> listedFigures(String start, String end) {
        Map<String, String> figures = new LinkedHashMap<>();
        for (JsonNode day : get("/api/summaries?" + query(start, end)).json()) {
            figures.put(day.get("day").asText(), day.get("distinct") + "/" + day.get("entitiesScanned") + "/"
                    + day.get("entitiesSkipped"));
        }
        return figures;
    }

    private static String blobOf(BlobContainerClient summaries, String day) {
        for (BlobItem item : summaries.listBlobs()) {
            if (item.getName().endsWith("/" + day + ".summary.gz")) {
                return item.getName();
            }
        }
        throw new AssertionError("no summary of " + day);
    }

    private JsonNode run(String start, String end, boolean fresh) {
        return finished(submit("/api/submit/query?" + query(start, end) + (fresh ? "&fresh=true" : "")));
    }

    private String submit(String path) {
        HttpResult accepted = get(path);
        assertEquals(202, accepted.status(), accepted.toString());
        return accepted.json().get("id").asText();
    }

    private JsonNode finished(String id) {
        return api.awaitFinished(id, JOB_DEADLINE);
    }

    private String metrics() {
        return management.get("/observe/metrics").body();
    }

    private static double delta(String before, String after, String series) {
        return Observe.metric(after, series) - Observe.metric(before, series);
    }
}
