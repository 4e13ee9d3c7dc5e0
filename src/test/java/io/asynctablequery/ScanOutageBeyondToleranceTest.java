package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.StorageFaultTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** An outage longer than {@code jobs.storage-outage-tolerance} fails the scan, with the message it always had. */
class ScanOutageBeyondToleranceTest extends StorageFaultTestSupport {


    @Override
    protected void configure(Properties properties) {
        properties.setProperty("audit.scan-slice-days", "1");
        properties.setProperty("audit.scan-parallelism", "1");
        properties.setProperty("jobs.storage-outage-tolerance", "PT3S");
    }

    @Test
    void aCutLongerThanTheToleranceFailsTheJobCleanly() {
        AuditRows rows = new AuditRows();
        for (int day = 0; day < 30; day++) {
            rows.add(LocalDate.of(2021, 6, 1).plusDays(day).toString(), "C", "ID" + day);
        }
        seed(rows);
        storage.delay(100);
        String id = submit("01/06/2021", "30/06/2021");
        Wait.until("a few days scanned", Duration.ofSeconds(30),
                () -> get("/api/status/" + id).json().at("/customStatus/partitionsDone").asInt() >= 3);

        storage.refuse();
        JsonNode failed = api.awaitFinished(id, Duration.ofSeconds(30));

        assertEquals("Failed", failed.get("runtimeStatus").asText(), failed.toString());
        assertEquals("StorageUnreachable", failed.at("/error/code").asText());
        String message = failed.at("/error/message").asText();
        assertTrue(message.startsWith("Could not reach Azure Table Storage at http://127.0.0.1:" + storage.port()),
                message);
        assertFalse(failed.toString().contains(Azurite.KEY));
        assertTrue(failed.at("/customStatus/retrying").isMissingNode(), "a finished job shows no retrying");
    }
}
