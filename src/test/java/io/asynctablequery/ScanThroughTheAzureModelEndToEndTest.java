package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.AzureModel;
import io.asynctablequery.support.FaultProxy;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The app with its default scan settings against the Azure model (the fault proxy with an {@link AzureModel}
 * in front of Azurite's tables), pushed past the model's limits: the account may fall only 20 ms behind, so
 * the scan's first slices read side by side draw {@code 503 ServerBusy}. Two jobs submitted at once over HTTP
 * both complete with the exact count, and no page is counted twice. Whether the model's own limits are passed
 * depends on how fast this machine sends (a busy machine may never fall 20 ms behind), so the proxy also answers
 * the scans' first requests {@code 503 ServerBusy} on purpose: the test never depends on the machine's speed.
 */
class ScanThroughTheAzureModelEndToEndTest extends ApiTestSupport {

    private static final LocalDate FIRST = LocalDate.of(2021, 5, 1);
    private static final int DAYS = 45;
    private static final int INJECTED_BUSY = 6;
    private final AuditRows rows = new AuditRows();
    private final AzureModel model = new AzureModel(1_000, 2_000, Duration.ofMillis(1), Duration.ofMillis(20));
    private final FaultProxy storage = FaultProxy.modelling(Azurite.freePort(), azurite.tablePort(), model);

    @Override
    protected String storageConnectionString() {
        return azurite.connectionString(storage.port(), azurite.queuePort());
    }

    @BeforeAll
    void seedDays() {
        for (int day = 0; day < DAYS; day++) {
            for (int i = 0; i < 8; i++) {
                rows.add(FIRST.plusDays(day).toString(), i == 7 ? "" : "C" + i, i == 6 ? null : "ID" + (day * 7 + i) % 113);
            }
        }
        seed(rows);
    }

    @AfterAll
    void stopProxy() {
        storage.close();
    }

    @Test
    void twoJobsPastTheLimitsBothCountExactly() {
        String last = FIRST.plusDays(DAYS - 1).toString();
        storage.serverBusy(INJECTED_BUSY);
        String first = submit(FIRST.toString(), last);
        String second = submit(FIRST.toString(), last);

        for (String id : new String[] {first, second}) {
            JsonNode done = api.awaitFinished(id, Duration.ofSeconds(90));
            assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
            assertEquals(rows.expectedCount(FIRST.toString(), last), done.get("result").asLong());
            assertEquals(DAYS, done.at("/customStatus/partitionsDone").asInt());
            long matching = rows.rows().stream().filter(row -> !"".equals(row.getProperty(AuditRows.REQUIRED))).count();
            assertEquals(matching, done.at("/customStatus/entitiesScanned").asLong(), "no page counted twice");
            assertEquals(rows.expectedSkipped(FIRST.toString(), last), done.at("/customStatus/entitiesSkipped").asLong());
        }
        assertTrue(storage.serverBusyAnswered() >= INJECTED_BUSY, "the proxy answered ServerBusy: "
                + storage.serverBusyAnswered() + "; the model itself: " + model.stats());
    }
}
