package io.asynctablequery.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Azure model's arithmetic: answers are held back by partition and account rates, and refused past them. The
 * model is asked at one instant of {@link System#nanoTime()} (the clock held still), so the waits are exact
 * whatever the machine's load: only the nanoseconds' rounding down to milliseconds is allowed for.
 */
class AzureModelTest {

    private final long now = System.nanoTime();

    private static byte[] page(String... partitionsAndCounts) {
        StringBuilder json = new StringBuilder("{\"value\":[");
        String separator = "";
        for (int i = 0; i < partitionsAndCounts.length; i += 2) {
            for (int n = 0; n < Integer.parseInt(partitionsAndCounts[i + 1]); n++) {
                json.append(separator).append("{\"PartitionKey\":\"").append(partitionsAndCounts[i])
                        .append("\",\"x\":1}");
                separator = ",";
            }
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Milliseconds from the test's instant until the answer may go, or -1 when it is refused. */
    private long waitMillis(AzureModel model, byte[] body) {
        long release = model.releaseAt(body, now);
        return release < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(release - now);
    }

    @Test
    void aPageTakesItsPartitionsInTurnAtThePartitionRate() {
        AzureModel model = new AzureModel(1000, 1_000_000, Duration.ofMillis(5), Duration.ofSeconds(10));
        long expected = 300 * 1000 / 1000 + 200 * 1000 / 1000 + 5; // 300 then 200 entities at 1,000/s, plus latency
        long wait = waitMillis(model, page("2023-01-01", "300", "2023-01-02", "200"));
        assertTrue(Math.abs(wait - expected) <= 1, "waited " + wait + " ms, expected about " + expected);
        assertEquals("entities=500 day_entities=500 queries=1 server_busy=0", model.stats());
    }

    @Test
    void pagesOfOnePartitionQueueAndPagesOfOthersDoNot() {
        AzureModel model = new AzureModel(1000, 1_000_000, Duration.ZERO, Duration.ofSeconds(10));
        waitMillis(model, page("p1", "400"));
        long samePartition = waitMillis(model, page("p1", "400"));
        long otherPartition = waitMillis(model, page("p2", "400"));
        assertTrue(Math.abs(samePartition - 800) <= 1, "same partition waited " + samePartition + " ms");
        assertTrue(Math.abs(otherPartition - 400) <= 1, "other partition waited " + otherPartition + " ms");
        assertEquals(0, model.dayEntities(), "partitions that are not days (a job table's) are not audit rows");
        assertEquals("entities=1200 day_entities=0 queries=3 server_busy=0", model.stats());
    }

    @Test
    void theAccountRateIsSharedByAllPartitions() {
        AzureModel model = new AzureModel(1_000_000, 1000, Duration.ZERO, Duration.ofSeconds(10));
        long last = 0;
        for (int p = 0; p < 4; p++) {
            last = waitMillis(model, page("p" + p, "250"));
        }
        assertTrue(Math.abs(last - 1000) <= 1, "the fourth page waited " + last + " ms, expected about 1000");
    }

    @Test
    void aPartitionFarBehindAnswersServerBusy() {
        AzureModel model = new AzureModel(1000, 1_000_000, Duration.ZERO, Duration.ofMillis(500));
        waitMillis(model, page("p1", "800")); // p1 is now 800 ms behind, past the 500 ms allowed
        assertEquals(-1, waitMillis(model, page("p1", "10")));
        assertTrue(waitMillis(model, page("p2", "10")) >= 0, "another partition is served");
        assertEquals(1, model.busyAnswers());
    }

    @Test
    void selectGainsThePartitionKey() {
        assertEquals("/t()?$filter=a&$select=x%2CPartitionKey&n=1", AzureModel.rewrite("/t()?$filter=a&$select=x&n=1"));
        assertEquals("/t()?$select=x%2CPartitionKey", AzureModel.rewrite("/t()?$select=x"));
        assertEquals("/t()?$select=PartitionKey%2Cx", AzureModel.rewrite("/t()?$select=PartitionKey%2Cx"));
        assertEquals("/t()?$filter=a", AzureModel.rewrite("/t()?$filter=a"));
    }
}
