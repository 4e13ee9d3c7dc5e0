package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.query.AuditQuery;
import io.asynctablequery.support.StorageFaultTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A storage blip does not throw a scan away: with storage cut off for 8 s, or answering {@code 503
 * ServerBusy} in bursts, in the middle of a scan, the job keeps the pages it has read, retries, and
 * completes with the exact count. The scan reads one day per query, one query at a time, through a fault
 * proxy that also slows each request, so that the faults land in its middle.
 */
class ScanOutageTest extends StorageFaultTestSupport {

    private static final LocalDate FIRST = LocalDate.of(2022, 1, 1);
    private static final int DAYS = 40;
    private final AuditRows rows = new AuditRows();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("audit.scan-slice-days", "1");
        properties.setProperty("audit.scan-parallelism", "1");
        properties.setProperty("jobs.storage-outage-tolerance", "PT30S");
    }

    @BeforeAll
    void seedDays() {
        for (int day = 0; day < DAYS; day++) {
            for (int i = 0; i < 6; i++) {
                rows.add(FIRST.plusDays(day).toString(), i == 5 ? "" : "C" + i, "ID" + (day * 11 + i * 5) % 97);
            }
        }
        seed(rows);
    }

    @AfterEach
    void storageBack() {
        storage.pass();
    }

    @Test
    void anEightSecondCutMidScanIsRiddenOutWithTheExactCount() {
        storage.delay(100);
        String id = submitWholeRange();
        List<Integer> partitionsSeen = new ArrayList<>();
        JsonNode before = Wait.forValue("a few days scanned", Duration.ofSeconds(30), () -> status(id, partitionsSeen),
                job -> job.at("/customStatus/partitionsDone").asInt() >= 5);
        assertEquals("Running", before.get("runtimeStatus").asText());

        storage.refuse();
        long cutAt = System.nanoTime();
        JsonNode retrying = Wait.forValue("the job shows it is retrying", Duration.ofSeconds(20),
                () -> status(id, partitionsSeen), job -> job.at("/customStatus/retrying/attempts").asInt() >= 2);
        assertEquals("Running", retrying.get("runtimeStatus").asText());
        assertFalse(retrying.at("/customStatus/retrying/lastErrorCode").asText().isEmpty());
        Wait.until("the cut has lasted 8 s", Duration.ofSeconds(20),
                () -> System.nanoTime() - cutAt >= Duration.ofSeconds(8).toNanos() && status(id, partitionsSeen) != null);
        assertEquals("Running", status(id, partitionsSeen).get("runtimeStatus").asText());

        storage.pass();
        JsonNode done = api.awaitFinished(id, Duration.ofSeconds(60));
        assertCompletedWithTheExactCount(done);
        assertTrue(done.at("/customStatus/retrying").isMissingNode(), done.toString());
        for (int i = 1; i < partitionsSeen.size(); i++) {
            assertTrue(partitionsSeen.get(i) >= partitionsSeen.get(i - 1), "progress went backwards: " + partitionsSeen);
        }
    }

    @Test
    void serverBusyBurstsAreRetriedAndCounted() {
        AuditQuery query = context().getRegistry().lookupByNameAndType("auditQuery", AuditQuery.class);
        long retriesBefore = query.storageRetries();
        storage.delay(50);
        String id = submitWholeRange();
        List<Integer> partitionsSeen = new ArrayList<>();
        int bursts = 2;
        int burst = 3;
        for (int i = 1; i <= bursts; i++) {
            int days = i * 10;
            Wait.until(days + " days scanned", Duration.ofSeconds(30),
                    () -> status(id, partitionsSeen).at("/customStatus/partitionsDone").asInt() >= days);
            storage.serverBusy(burst);
            int answered = i * burst;
            Wait.until(answered + " ServerBusy answers", Duration.ofSeconds(30),
                    () -> storage.serverBusyAnswered() >= answered);
        }

        JsonNode done = api.awaitFinished(id, Duration.ofSeconds(60));
        assertCompletedWithTheExactCount(done);
        assertEquals(bursts * burst, storage.serverBusyAnswered());
        assertTrue(query.storageRetries() - retriesBefore >= bursts * burst,
                "retries counted: " + (query.storageRetries() - retriesBefore));
    }

    private String submitWholeRange() {
        return submit(FIRST.toString(), FIRST.plusDays(DAYS - 1).toString());
    }

    private JsonNode status(String id, List<Integer> partitionsSeen) {
        JsonNode job = get("/api/status/" + id).json();
        partitionsSeen.add(job.at("/customStatus/partitionsDone").asInt());
        return job;
    }

    private void assertCompletedWithTheExactCount(JsonNode done) {
        String last = FIRST.plusDays(DAYS - 1).toString();
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(rows.expectedCount(FIRST.toString(), last), done.get("result").asLong());
        assertEquals(rows.expectedSkipped(FIRST.toString(), last), done.at("/customStatus/entitiesSkipped").asLong());
        assertEquals(DAYS, done.at("/customStatus/partitionsDone").asInt());
        long matching = rows.rows().stream().filter(row -> !"".equals(row.getProperty(AuditRows.REQUIRED))).count();
        assertEquals(matching, done.at("/customStatus/entitiesScanned").asLong(), "no page counted twice");
    }
}
