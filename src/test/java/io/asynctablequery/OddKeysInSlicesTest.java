package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import java.time.LocalDate;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keys that are not plain days in a slice of several days (SPEC §15, "Summaries of a slice with odd keys"): they are
 * counted as the original filter counts them, and only the day each follows goes without its summary; the slice's
 * other days keep theirs (the whole slice lost them before).
 */
class OddKeysInSlicesTest extends ApiTestSupport {

    private final AuditRows rows = new AuditRows();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("audit.summaries", "true");
        properties.setProperty("audit.summaries.container", "odd-" + UUID.randomUUID().toString().substring(0, 8));
        properties.setProperty("audit.scan-slice-days", "3");
        properties.setProperty("audit.scan-parallelism", "2");
    }

    @BeforeAll
    void seedTwelveDaysAndTwoOddKeys() {
        for (LocalDate day = LocalDate.of(2021, 2, 1); day.isBefore(LocalDate.of(2021, 2, 14)); day = day.plusDays(1)) {
            for (int i = 0; i < 4; i++) {
                rows.add(day.toString(), "C", "V" + (day.getDayOfMonth() * 2 + i) % 19);
            }
        }
        rows.add("2021-02-05T12", "C", "ODD-IN-A-SLICE"); // after 02-05, inside the slice 02-04..02-06
        rows.add("2021-02-12x", "C", "ODD-AFTER-THE-END"); // after the end key 2021-02-12: not in a range ending there
        seed(rows);
    }

    @Test
    void onlyTheDayAnOddKeyFollowsIsReadAgain() {
        String start = "2021-02-01";
        String end = "2021-02-12";
        assertExact(run(start, end), start, end, 0);

        // 02-05 and 02-12 are each followed by an odd key; the ten other days are answered from their summaries
        assertExact(run(start, end), start, end, 10);
        assertExact(run(start, "2021-02-13"), start, "2021-02-13", 10);
        // a range ending on 02-05 answers 02-04 from its summary and reads 02-05 up to 02-06, the odd key not counted
        assertExact(run("2021-02-04", "2021-02-05"), "2021-02-04", "2021-02-05", 1);
    }

    private JsonNode run(String start, String end) {
        return awaitFinished(submit(start, end));
    }

    private void assertExact(JsonNode job, String start, String end, int fromSummaries) {
        assertEquals("Completed", job.get("runtimeStatus").asText(), job.toString());
        assertEquals(rows.expectedCount(start, end), job.get("result").asLong(), job.toString());
        assertEquals(fromSummaries, job.at("/customStatus/partitionsFromSummaries").asInt(), job.toString());
    }
}
