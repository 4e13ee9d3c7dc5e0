package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.specialized.AppendBlobClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.checkpoints.BlobCheckpoints;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.FaultProxy;
import io.asynctablequery.support.Observe;
import io.asynctablequery.support.StorageFaultTestSupport;
import io.asynctablequery.support.Wait;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints in Blob Storage (SPEC §15, the job table's mode): a job suspended half way resumes from its blob; a
 * missing blob, a damaged record or a truncated one means those days are read again, exact; blob storage that refuses
 * leaves the table to answer, with a warning and a metric; a finished job's blob is removed. The audit table is
 * reached through a proxy that slows each request (a scan of a day per slice takes seconds), blob storage through one
 * that can refuse.
 */
class CheckpointsInBlobStorageTest extends StorageFaultTestSupport {

    private static final int ROWS_PER_DAY = 10;
    private final String containerName = "cp-" + UUID.randomUUID().toString().substring(0, 8);
    private final FaultProxy blobs = FaultProxy.to(azurite.blobPort());
    private final AuditRows rows = new AuditRows();
    private final BlobContainerClient container = new BlobServiceClientBuilder()
            .connectionString(azurite.connectionString()).buildClient().getBlobContainerClient(containerName);

    @Override
    protected String storageConnectionString() {
        return azurite.connectionString(storage.port(), azurite.queuePort(), blobs.port());
    }

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.store", "table");
        properties.setProperty("jobs.table-name", "jobs" + containerName.replace("-", ""));
        properties.setProperty("jobs.checkpoints.container", containerName);
        properties.setProperty("jobs.workers", "1");
        properties.setProperty("audit.scan-slice-days", "1");
        properties.setProperty("audit.scan-parallelism", "1");
        properties.setProperty("api.storage-timeout", "PT2S");
    }

    @BeforeAll
    void seed() {
        for (LocalDate day = LocalDate.of(2023, 5, 1); day.isBefore(LocalDate.of(2023, 6, 1)); day = day.plusDays(1)) {
            for (int i = 0; i < ROWS_PER_DAY; i++) {
                rows.add(day.toString(), "C", "ID" + (day.getDayOfMonth() * 5 + i) % 97);
            }
        }
        seed(rows);
    }

    @AfterEach
    void storageBack() {
        storage.pass();
        blobs.pass();
    }

    @AfterAll
    void stopBlobProxy() {
        blobs.close();
    }

    @Test
    void aResumedJobReadsOnlyTheDaysItsBlobDoesNotHoldAndTheBlobGoesWhenItCompletes() {
        String id = suspendedAtADozenDays();
        int records = records(id).size();
        assertTrue(records >= 12, records + " records");

        JsonNode done = resumed(id);

        assertEquals(records, done.at("/customStatus/partitionsFromCheckpoint").asInt(), done.toString());
        Wait.until("the checkpoint removed", DEADLINE, () -> !blob(id).exists());
    }

    @Test
    void aMissingCheckpointIsAJobReadFromTheStart() {
        String id = suspendedAtADozenDays();
        blob(id).delete();

        JsonNode done = resumed(id);

        assertEquals(0, done.at("/customStatus/partitionsFromCheckpoint").asInt(), done.toString());
    }

    @Test
    void aDamagedRecordIsADayReadAgainAndATruncatedTailIsIgnored() {
        String id = suspendedAtADozenDays();
        List<byte[]> records = records(id);
        byte[] damaged = records.get(1).clone();
        damaged[damaged.length / 2] ^= 0x5a; // a byte of its gzip altered: the record does not decode
        blob(id).delete();
        AppendBlobClient rewritten = blob(id);
        rewritten.create();
        for (int i = 0; i < records.size(); i++) {
            append(rewritten, framed(i == 1 ? damaged : records.get(i)));
        }
        append(rewritten, Arrays.copyOf(framed(records.get(0)), 20)); // a record cut short
        String before = metrics();

        JsonNode done = resumed(id);

        assertEquals(records.size() - 1, done.at("/customStatus/partitionsFromCheckpoint").asInt(), done.toString());
        assertTrue(Observe.metric(metrics(), "audit_checkpoint_failures_total{operation=\"read\"}")
                > metric(before, "audit_checkpoint_failures_total{operation=\"read\"}"));
    }

    @Test
    void blobStorageThatRefusesLeavesTheTableToAnswerExactly() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger checkpoints = (Logger) LoggerFactory.getLogger(BlobCheckpoints.class);
        log.start();
        checkpoints.addAppender(log);
        try {
            blobs.refuse();
            String before = metrics();
            String id = suspendedAtADozenDays();
            JsonNode done = resumed(id);
            assertEquals(0, done.at("/customStatus/partitionsFromCheckpoint").asInt(), done.toString());
            assertTrue(Observe.metric(metrics(), "audit_checkpoint_failures_total{operation=\"read\"}")
                    > metric(before, "audit_checkpoint_failures_total{operation=\"read\"}"));
        } finally {
            checkpoints.detachAppender(log);
        }
        List<String> warnings = log.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(warnings.stream().anyMatch(line -> line.startsWith("Blob storage failed to read the checkpoint of job ")
                && line.contains("container '" + containerName + "'")), warnings.toString());
        assertFalse(warnings.toString().contains(Azurite.KEY));
    }

    /** A job of May 2023 suspended once a dozen of its days are done, its scan stopped. */
    private String suspendedAtADozenDays() {
        storage.delay(150);
        String id = submit("01/05/2023", "31/05/2023");
        Wait.until("a dozen days read", DEADLINE,
                () -> get("/api/status/" + id).json().at("/customStatus/partitionsDone").asInt() >= 12);
        assertEquals(202, post("/api/status/" + id + "/suspend", null).status());
        Wait.until("the scan stopped", DEADLINE, () -> Observe.metric(metrics(), "audit_jobs_running") == 0);
        storage.delay(0);
        return id;
    }

    private JsonNode resumed(String id) {
        assertEquals(202, post("/api/status/" + id + "/resume", null).status());
        JsonNode done = awaitFinished(id);
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(rows.expectedCount("2023-05-01", "2023-05-31"), done.get("result").asLong());
        assertEquals(31L * ROWS_PER_DAY, done.at("/customStatus/entitiesScanned").asLong(), done.toString());
        return done;
    }

    private AppendBlobClient blob(String id) {
        return container.getBlobClient(id + ".checkpoint").getAppendBlobClient();
    }

    /** The records of a job's blob, each without its length. */
    private List<byte[]> records(String id) {
        ByteBuffer content = ByteBuffer.wrap(blob(id).downloadContent().toBytes());
        List<byte[]> records = new ArrayList<>();
        while (content.remaining() >= 4) {
            byte[] record = new byte[content.getInt()];
            content.get(record);
            records.add(record);
        }
        return records;
    }

    private static byte[] framed(byte[] record) {
        return ByteBuffer.allocate(4 + record.length).putInt(record.length).put(record).array();
    }

    private static void append(AppendBlobClient blob, byte[] bytes) {
        blob.appendBlock(new ByteArrayInputStream(bytes), bytes.length);
    }

    private String metrics() {
        return api.get(managementBase() + "/observe/metrics").body();
    }

    private static double metric(String scrape, String series) {
        return Observe.metric(scrape, series);
    }
}
