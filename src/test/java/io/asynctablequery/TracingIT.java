package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClientBuilder;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.OtlpReceiver;
import io.asynctablequery.support.Wait;
import io.asynctablequery.support.WebhookReceiver;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tracing (SPEC §16) with a real exporter: an instance with {@code otel.traces.exporter=otlp} sends to an OTLP
 * receiver inside the test, and a submit that carries a {@code traceparent} continues the caller's trace through the
 * job queue to the worker's route; an instance without an exporter named sends nothing and logs nothing of it. No
 * span and no resource carries the storage account's key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Azurite azurite = Azurite.shared();
    private final OtlpReceiver receiver = new OtlpReceiver();
    private final WebhookReceiver hooks = new WebhookReceiver();
    private final String table = "audit" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final AuditRows rows = new AuditRows().add("2024-03-01", "C", "A").add("2024-03-02", "C", "B")
            .add("2024-03-03", "C", "A");
    private AppProcess traced;
    private AppProcess untraced;

    @BeforeAll
    void start() {
        rows.insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(),
                table);
        Map<String, String> settings = new HashMap<>(Map.of("azure.storage.connection-string",
                azurite.connectionString(), "audit.table-name", table));
        untraced = AppProcess.start("untraced", Map.of("azure.storage.connection-string", azurite.connectionString(),
                "audit.table-name", table, "otel.exporter.otlp.endpoint", receiver.endpoint()));
        settings.putAll(Map.of("otel.traces.exporter", "otlp", "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.exporter.otlp.endpoint", receiver.endpoint(), "otel.bsp.schedule.delay", "200",
                "otel.service.name", "audit-traced"));
        settings.putAll(Map.of("api.callback-allowed-hosts", "http://127.0.0.1:" + hooks.port(), "api.webhook-secret",
                "whsec_dGhpcnR5LXR3byBieXRlcyBvZiBhIHRlc3Qga2V5ISE="));
        traced = AppProcess.start("traced", settings, Map.of("LOG_FORMAT", "json"), List.of());
    }

    @AfterAll
    void stop() throws InterruptedException {
        traced.close();
        untraced.close();
        receiver.close();
        hooks.close();
    }

    @Test
    void aSubmitWithATraceparentContinuesTheCallersTraceToTheWorker() {
        String traceId = hex(16);
        String callerSpan = hex(8);
        HttpResult submitted = traced.api.get("/api/submit/query?s=01/03/2024&e=03/03/2024",
                "traceparent", "00-" + traceId + "-" + callerSpan + "-01");
        assertEquals(202, submitted.status(), submitted.toString());
        String id = submitted.json().get("id").asText();
        assertEquals(2, traced.api.awaitFinished(id).get("result").asLong());

        List<OtlpReceiver.ReceivedSpan> trace = Wait.forValue("the job's spans", DEADLINE, () -> receiver.trace(traceId),
                spans -> spans.stream().anyMatch(span -> span.parentSpanId().equals(callerSpan))
                        && spans.stream().anyMatch(span -> span.name().equals("audit-job")));
        assertTrue(trace.stream().anyMatch(span -> id.equals(span.attributes().get("job.id"))), trace.toString());
        assertEquals("audit-traced", trace.get(0).resource().get("service.name"));
        // the request's own span: its route, its path without the query, its answer
        OtlpReceiver.ReceivedSpan request = trace.stream().filter(span -> span.parentSpanId().equals(callerSpan))
                .findFirst().orElseThrow();
        assertEquals("GET /api/submit/query", request.name());
        assertEquals(Map.of("http.request.method", "GET", "http.route", "/api/submit/query", "url.path",
                        "/api/submit/query", "http.response.status_code", "202", "job.id", id),
                without(request.attributes(), "op"), request.toString());
        assertTrue(Pattern.compile("\"trace_id\"\\s*:\\s*\"" + traceId + "\"").matcher(traced.log()).find(),
                "a JSON log line of the job names its trace");
        assertTrue(traced.log().lines().filter(line -> line.contains("\"trace_id\""))
                .allMatch(line -> line.contains("\"INSTANCE\"")), "a traced line keeps the instance's name");
        String everything = receiver.everything();
        String key = azurite.connectionString().replaceAll(".*AccountKey=([^;]+).*", "$1");
        assertFalse(everything.contains(key), "the account key went out with the spans");
    }

    @Test
    void theWebhookDeliveryIsASpanOfTheJobsTraceAndItsTraceparentGoesOutWithoutTheCallbacksQuery() {
        String traceId = hex(16);
        String secret = "hook-secret-" + UUID.randomUUID();
        String callback = hooks.url("/traced-hook") + "?token=" + secret;
        hooks.answerNext(201);
        HttpResult submitted = traced.api.get("/api/submit/query?s=01/03/2024&e=03/03/2024&callbackUrl="
                + java.net.URLEncoder.encode(callback, java.nio.charset.StandardCharsets.UTF_8),
                "traceparent", "00-" + traceId + "-" + hex(8) + "-01");
        assertEquals(202, submitted.status(), submitted.toString());
        String id = submitted.json().get("id").asText();
        Wait.until("the webhook", DEADLINE, () -> !hooks.receivedAt("/traced-hook").isEmpty());
        String traceparent = hooks.receivedAt("/traced-hook").get(0).header("traceparent");
        assertTrue(traceparent != null && traceparent.startsWith("00-" + traceId + "-"), "traceparent " + traceparent);

        OtlpReceiver.ReceivedSpan delivery = Wait.forValue("the delivery's span", DEADLINE,
                () -> receiver.trace(traceId).stream().filter(span -> "webhook-delivery".equals(span.name()))
                        .findFirst().orElse(null), span -> span != null);
        assertEquals(id, delivery.attributes().get("job.id"));
        assertEquals("201", delivery.attributes().get("http.response.status_code"));
        assertEquals(traceparent.split("-")[2], delivery.spanId(), "the request carries the delivery span's id");
        assertFalse(receiver.everything().contains(secret), "the callback's query string went out with the spans");
    }

    @Test
    void aJobSubmittedToAnApiInstanceAndRunByAnotherThroughTheQueueIsOneTraceDownToTheTableCalls()
            throws InterruptedException {
        String suffix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Map<String, String> common = new HashMap<>(AppProcess.distributed(azurite, suffix));
        common.putAll(Map.of("audit.table-name", table, "otel.traces.exporter", "otlp", "otel.exporter.otlp.protocol",
                "http/protobuf", "otel.exporter.otlp.endpoint", receiver.endpoint(), "otel.bsp.schedule.delay", "200",
                "jobs.queue-poll-delay", "200"));
        Map<String, String> api = new HashMap<>(common);
        api.putAll(Map.of("jobs.workers", "0", "otel.service.name", "audit-api"));
        Map<String, String> worker = new HashMap<>(common);
        worker.putAll(Map.of("jobs.workers", "1", "otel.service.name", "audit-worker"));
        try (AppProcess apiOnly = AppProcess.start("traced-api", api);
             AppProcess runner = AppProcess.start("traced-worker", worker)) {
            String traceId = hex(16);
            HttpResult submitted = apiOnly.api.get("/api/submit/query?s=01/03/2024&e=03/03/2024",
                    "traceparent", "00-" + traceId + "-" + hex(8) + "-01");
            assertEquals(202, submitted.status(), submitted.toString());
            String id = submitted.json().get("id").asText();
            assertEquals(2, apiOnly.api.awaitFinished(id, DEADLINE).get("result").asLong());

            List<OtlpReceiver.ReceivedSpan> trace = Wait.forValue("the worker's spans in the caller's trace", DEADLINE,
                    () -> receiver.trace(traceId), spans -> spans.stream().anyMatch(span -> "audit-job".equals(span.name())
                            && "audit-worker".equals(span.resource().get("service.name"))));
            OtlpReceiver.ReceivedSpan job = trace.stream().filter(span -> "audit-job".equals(span.name())).findFirst()
                    .orElseThrow();
            assertEquals(id, job.attributes().get("job.id"));
            assertEquals("2", job.attributes().get("job.result"));
            assertEquals("2024-03-01", job.attributes().get("job.range.start"));
            assertTrue(trace.stream().anyMatch(span -> "audit-api".equals(span.resource().get("service.name"))));
            List<OtlpReceiver.ReceivedSpan> tableCalls = Wait.forValue("the scan's table calls", DEADLINE,
                    () -> receiver.trace(traceId).stream().filter(span -> isDescendant(span, job.spanId(),
                            receiver.trace(traceId)) && span.attributes().containsKey("az.namespace")).toList(),
                    calls -> !calls.isEmpty());
            assertTrue(tableCalls.stream().anyMatch(span -> span.attributes().toString().contains(table)),
                    tableCalls.toString());
            String key = azurite.connectionString().replaceAll(".*AccountKey=([^;]+).*", "$1");
            assertFalse(receiver.everything().contains(key), "the account key went out with the spans");
            assertFalse(receiver.everything().contains("sig="), "a SAS went out with the spans");
        }
    }

    /** Whether the span is below the ancestor in the trace, through its parents. */
    private static boolean isDescendant(OtlpReceiver.ReceivedSpan span, String ancestor,
                                        List<OtlpReceiver.ReceivedSpan> trace) {
        String parent = span.parentSpanId();
        for (int depth = 0; depth < 20 && !parent.isEmpty(); depth++) {
            if (parent.equals(ancestor)) {
                return true;
            }
            String current = parent;
            parent = trace.stream().filter(other -> other.spanId().equals(current)).map(OtlpReceiver.ReceivedSpan::parentSpanId)
                    .findFirst().orElse("");
        }
        return false;
    }

    @Test
    void anInstanceWithoutAnExporterSendsNothingAndLogsNothingOfIt() {
        String traceId = hex(16);
        String id = untraced.api.get("/api/submit/query?s=01/03/2024&e=03/03/2024",
                "traceparent", "00-" + traceId + "-" + hex(8) + "-01").json().get("id").asText();
        untraced.api.awaitFinished(id);
        // the traced instance's job, submitted after it, reaching the receiver shows its exporter's delay has passed
        String control = hex(16);
        String controlId = traced.api.get("/api/submit/query?s=01/03/2024&e=03/03/2024",
                "traceparent", "00-" + control + "-" + hex(8) + "-01").json().get("id").asText();
        traced.api.awaitFinished(controlId);
        Wait.until("the traced instance's spans", DEADLINE, () -> !receiver.trace(control).isEmpty());
        assertEquals(List.of(), receiver.trace(traceId));
        String log = untraced.log().toLowerCase();
        assertFalse(log.contains("opentelemetry") || log.contains("tracer"), "the untraced instance logged of tracing");
    }

    private static Map<String, String> without(Map<String, String> attributes, String key) {
        Map<String, String> rest = new HashMap<>(attributes);
        rest.remove(key);
        return rest;
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1; // never all zeros (an invalid id)
        return HexFormat.of().formatHex(random);
    }
}
