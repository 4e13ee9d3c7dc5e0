package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.Wait;
import io.asynctablequery.support.WebhookReceiver;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Webhooks with the storage queue, where the instance that delivers is not always the one that took the
 * submit: a pending delivery survives a restart (its message waits on the delivery queue, and the next
 * instance delivers it, once, with the same id), and an event made by a worker instance has the submit's
 * absolute status URL as its {@code source}.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests share nothing: each has its own instances, tables and queue
class WebhookAcrossInstancesIT {

    private final Azurite azurite = Azurite.shared();
    private final String suffix = "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    private Map<String, String> settings(WebhookReceiver receiver) {
        new AuditRows().add("2022-02-01", "C", "A").add("2022-02-02", "C", "B")
                .insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString())
                        .buildClient(), "audit" + suffix);
        Map<String, String> settings = new HashMap<>(AppProcess.distributed(azurite, suffix));
        settings.put("api.callback-allowed-hosts", "http://127.0.0.1:" + receiver.port());
        byte[] key = new SecureRandom().generateSeed(32);
        settings.put("api.webhook-secret", "whsec_" + Base64.getEncoder().encodeToString(key));
        return settings;
    }

    @Test
    void anEventMadeByAnotherInstanceHasTheSubmitsAbsoluteStatusUrlAsItsSource() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Map<String, String> settings = settings(receiver);
            Map<String, String> apiOnly = new HashMap<>(settings);
            apiOnly.put("jobs.workers", "0");
            apiOnly.put("api.trust-forwarded-headers", "true");
            String path = "/source/" + suffix;
            try (AppProcess api = AppProcess.start(suffix + "-api", apiOnly);
                 AppProcess worker = AppProcess.start(suffix + "-worker", settings)) {
                JsonNode accepted = api.api.get("/api/submit/query?s=01/02/2022&e=02/02/2022&callbackUrl="
                                + URLEncoder.encode(receiver.url(path), StandardCharsets.UTF_8),
                        "X-Forwarded-Host", "audit.example.com", "X-Forwarded-Proto", "https").json();
                String id = accepted.get("id").asText();
                Wait.until("the webhook", Duration.ofSeconds(30), () -> !receiver.receivedAt(path).isEmpty());

                JsonNode event = new ObjectMapper().readTree(receiver.receivedAt(path).get(0).body());
                assertEquals("https://audit.example.com/api/status/" + id, accepted.get("statusUri").asText());
                assertEquals(accepted.get("statusUri").asText(), event.get("source").asText());
                assertTrue(worker.log().contains(id), "the worker ran the job: " + worker.log().length());
            }
        }
    }

    @Test
    void aPendingDeliveryIsDeliveredOnceAfterARestartWithTheSameId() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answerOtherwise(503);
            Map<String, String> settings = settings(receiver);
            String path = "/restart/" + suffix;
            String id;
            try (AppProcess first = AppProcess.start(suffix + "-first", settings)) {
                id = first.api.get("/api/submit/query?s=01/02/2022&e=02/02/2022&callbackUrl="
                        + URLEncoder.encode(receiver.url(path), StandardCharsets.UTF_8)).json().get("id").asText();
                Wait.until("a failed attempt recorded", Duration.ofSeconds(30),
                        () -> first.api.get("/api/status/" + id).json().at("/callbackDelivery/attempts").asInt() >= 1);
                first.terminate();
                first.awaitExit(Duration.ofSeconds(40));
            }
            int failedAttempts = receiver.receivedAt(path).size();
            String eventId = receiver.receivedAt(path).get(0).header("webhook-id");
            receiver.answerOtherwise(204);

            try (AppProcess second = AppProcess.start(suffix + "-second", settings)) {
                Wait.until("delivered", Duration.ofSeconds(60), () -> "Delivered".equals(
                        second.api.get("/api/status/" + id).json().at("/callbackDelivery/status").asText()));
                QueueClient deliveries = new QueueClientBuilder().connectionString(azurite.connectionString())
                        .queueName("jobs-" + suffix + "-webhooks").buildClient();
                Wait.until("the delivery queue empty", Duration.ofSeconds(30),
                        () -> deliveries.getProperties().getApproximateMessagesCount() == 0);
            }
            List<WebhookReceiver.Received> received = receiver.receivedAt(path);
            assertEquals(failedAttempts + 1, received.size(), "delivered once after the restart");
            received.forEach(request -> assertEquals(eventId, request.header("webhook-id")));
        }
    }
}
