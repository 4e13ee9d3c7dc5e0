package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.EventStreamClient;
import io.asynctablequery.support.FaultProxy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The event stream of a job that another instance runs (queue and table store): an API-only instance streams
 * the progress the worker instance writes into the shared job table, and closes after the finished state.
 */
class EventStreamAcrossInstancesIT {

    @Test
    void anApiOnlyInstanceStreamsTheProgressOfAJobAnotherInstanceRuns() throws Exception {
        Azurite azurite = Azurite.shared();
        String suffix = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        AuditRows rows = new AuditRows();
        LocalDate first = LocalDate.of(2021, 9, 1);
        for (int day = 0; day < 20; day++) {
            rows.add(first.plusDays(day).toString(), "C", "ID" + day % 7);
        }
        rows.insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(),
                "audit" + suffix);
        try (FaultProxy slow = FaultProxy.to(azurite.tablePort())) {
            slow.delay(250); // the worker's day-long queries: five seconds and more in all
            Map<String, String> worker = new HashMap<>(AppProcess.distributed(azurite, suffix));
            worker.put("audit.scan-slice-days", "1");
            worker.put("audit.scan-parallelism", "1");
            worker.put("azure.storage.connection-string", azurite.connectionString(slow.port(), azurite.queuePort()));
            Map<String, String> apiOnly = new HashMap<>(AppProcess.distributed(azurite, suffix));
            apiOnly.put("jobs.workers", "0");
            try (AppProcess running = AppProcess.start(suffix + "-worker", worker);
                 AppProcess watching = AppProcess.start(suffix + "-api", apiOnly)) {
                String id = watching.api.submit(first.toString(), first.plusDays(19).toString());
                EventStreamClient stream = EventStreamClient.open(watching.api.base() + "/api/status/" + id)
                        .awaitClosed(Duration.ofSeconds(90));

                List<EventStreamClient.Event> events = stream.events();
                JsonNode last = events.get(events.size() - 1).data();
                assertEquals("Completed", last.get("runtimeStatus").asText());
                assertEquals(rows.expectedCount(first.toString(), first.plusDays(19).toString()),
                        last.get("result").asLong());
                long progress = events.stream().map(event -> event.data().at("/customStatus/partitionsDone").asInt())
                        .filter(done -> done > 0 && done < 20).distinct().count();
                assertTrue(progress >= 2, "progress events from the other instance: " + progress);
            }
        }
    }
}
