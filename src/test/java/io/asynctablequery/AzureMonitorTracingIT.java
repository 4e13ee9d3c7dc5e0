package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.IngestionReceiver;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Tracing to Azure Monitor (SPEC §16): an instance with only {@code APPLICATIONINSIGHTS_CONNECTION_STRING} set sends
 * the job's telemetry, in the caller's trace, to the connection string's {@code IngestionEndpoint} (a server in the
 * test) through Azure's OpenTelemetry distribution, and to no OTLP endpoint; with live metrics turned off, nothing but
 * telemetry. Azure's distribution starts its own
 * usage reports (statsbeat, to Azure's endpoints) and a look at Azure's instance metadata address 60 s after it starts:
 * the instance is stopped well before (checked), so that nothing leaves this machine.
 */
class AzureMonitorTracingIT {

    /** Azure's distribution sends its first statsbeat and asks 169.254.169.254 60 s after it starts. */
    private static final Duration LIFETIME = Duration.ofSeconds(50);

    @Test
    void theJobsTelemetryReachesApplicationInsightsInTheCallersTrace() throws InterruptedException {
        Azurite azurite = Azurite.shared();
        String table = "audit" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        new AuditRows().add("2024-03-01", "C", "A").add("2024-03-02", "C", "B").add("2024-03-03", "C", "A")
                .insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(),
                        table);
        String instrumentationKey = UUID.randomUUID().toString();
        try (IngestionReceiver ingestion = new IngestionReceiver()) {
            long started = System.nanoTime();
            try (AppProcess app = AppProcess.start("azure-monitor", Map.of("azure.storage.connection-string",
                            azurite.connectionString(), "audit.table-name", table, "otel.bsp.schedule.delay", "200"),
                    // live metrics off (a ping answered by this test's server is not one Azure's would send)
                    Map.of("APPLICATIONINSIGHTS_CONNECTION_STRING", ingestion.connectionString(instrumentationKey),
                            "APPLICATIONINSIGHTS_LIVE_METRICS_ENABLED", "false"),
                    List.of())) {
                String traceId = hex(16);
                String callerSpan = hex(8);
                HttpResult submitted = app.api.get("/api/submit/query?s=01/03/2024&e=03/03/2024",
                        "traceparent", "00-" + traceId + "-" + callerSpan + "-01");
                assertEquals(202, submitted.status(), submitted.toString());
                String id = submitted.json().get("id").asText();
                assertEquals(2, app.api.awaitFinished(id).get("result").asLong());

                Duration left = LIFETIME.minus(Duration.ofNanos(System.nanoTime() - started));
                List<JsonNode> trace = Wait.forValue("the job's telemetry in the caller's trace", left,
                        () -> ingestion.items().stream().filter(item -> traceId.equals(
                                item.path("tags").path("ai.operation.id").asText())).toList(),
                        items -> items.stream().anyMatch(item -> "audit-job".equals(name(item)))
                                && items.stream().anyMatch(item -> callerSpan.equals(
                                        item.path("tags").path("ai.operation.parentId").asText())));
                JsonNode job = trace.stream().filter(item -> "audit-job".equals(name(item))).findFirst().orElseThrow();
                // Application Insights leaves out attributes under "job.": they go as "audit.job.*" as well
                JsonNode dimensions = job.path("data").path("baseData").path("properties");
                assertEquals(id, dimensions.path("audit.job.id").asText(), job.toString());
                assertEquals("2", dimensions.path("audit.job.result").asText(), job.toString());
                assertEquals("2024-03-01", dimensions.path("audit.job.range.start").asText(), job.toString());
                assertEquals(instrumentationKey, job.path("iKey").asText());
                assertTrue(trace.stream().anyMatch(item -> "Microsoft.Tables".equals(
                        item.path("data").path("baseData").path("properties").path("az.namespace").asText())
                        || item.toString().contains(table)), "the scan's table calls are in the trace: " + trace);

                String key = azurite.connectionString().replaceAll(".*AccountKey=([^;]+).*", "$1");
                assertFalse(ingestion.items().toString().contains(key), "the account key went out with the telemetry");
                assertTrue(ingestion.paths().stream().allMatch(path -> path.equals("/v2.1/track")),
                        "only telemetry was sent: " + ingestion.paths());
                String log = app.log();
                assertFalse(log.contains("Failed to export") || log.contains("4318"),
                        "the instance tried an OTLP endpoint as well:\n" + log);
                assertFalse(log.contains(" ERROR "), "the instance logged an error:\n" + log);
            }
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(LIFETIME) < 0,
                    "the instance with Azure's distribution ran for 50 s or longer (its statsbeat goes out at 60 s)");
        }
    }

    private static String name(JsonNode item) {
        return item.path("data").path("baseData").path("name").asText();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1; // never all zeros (an invalid id)
        return HexFormat.of().formatHex(random);
    }
}
