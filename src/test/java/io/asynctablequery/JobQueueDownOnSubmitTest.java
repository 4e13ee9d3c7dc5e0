package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.FaultProxy;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * In queue mode, a job queue that does not take a submit's job (connections refused, or stalled past
 * {@code api.storage-timeout}) makes the submit a 503 problem with Retry-After, in time, and leaves no job
 * behind; submits work again once the queue does.
 */
class JobQueueDownOnSubmitTest extends ApiTestSupport {

    private static final Duration STORAGE_TIMEOUT = Duration.ofSeconds(2);
    private final FaultProxy queue = FaultProxy.to(azurite.queuePort());

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.dispatch", "azure-storage-queue");
        properties.setProperty("jobs.store", "table");
        properties.setProperty("jobs.queue-name", "queue-down-jobs");
        properties.setProperty("jobs.table-name", "queuedownjobs");
        properties.setProperty("jobs.queue-poll-delay", "100");
        properties.setProperty("api.storage-timeout", STORAGE_TIMEOUT.toString());
    }

    @Override
    protected String storageConnectionString() {
        return azurite.connectionString(azurite.tablePort(), queue.port());
    }

    @AfterAll
    void stopProxy() {
        queue.close();
    }

    @Test
    void aSubmitTheQueueDoesNotTakeAnswers503AndLeavesNoJob() {
        AuditRows rows = new AuditRows().add("2024-03-01", "C", "A").add("2024-03-02", "C", "B");
        seed(rows);
        int jobsBefore = jobCount();

        queue.refuse();
        assertUnavailable(get("/api/submit/query?" + query("01/03/2024", "02/03/2024")), 0);
        queue.pass();
        queue.stall();
        long start = System.nanoTime();
        HttpResult stalled = get("/api/submit/query?" + query("01/03/2024", "02/03/2024"));
        assertUnavailable(stalled, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        queue.pass();

        // A stalled send may still land: its job is removed, or dropped by the worker, never left unfinished.
        Wait.until("no job left from the refused submits", Duration.ofSeconds(60), () -> jobCount() == jobsBefore);
        JsonNode after = awaitFinished(submit("01/03/2024", "02/03/2024"));
        assertEquals(rows.expectedCount("2024-03-01", "2024-03-02"), after.get("result").asLong(), after.toString());
    }

    private void assertUnavailable(HttpResult answer, long millis) {
        assertEquals(503, answer.status(), answer.toString());
        assertNotNull(answer.header("Retry-After"));
        assertEquals("application/problem+json", answer.contentType());
        assertTrue(millis <= STORAGE_TIMEOUT.toMillis() + 2500, "answered after " + millis + " ms");
    }
}
