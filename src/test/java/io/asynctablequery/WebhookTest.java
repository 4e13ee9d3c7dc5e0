package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.OpenApiContract;
import io.asynctablequery.support.Wait;
import io.asynctablequery.support.WebhookReceiver;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end: a real receiver on loopback, the signature checked here with the Standard Webhooks
 * scheme computed independently, retries after a 500, no redirect followed, and every callback URL that must
 * be refused at submit.
 */
class WebhookTest extends ApiTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final byte[] key = new SecureRandom().generateSeed(32);
    private final WebhookReceiver receiver = new WebhookReceiver();
    private final AuditRows rows = new AuditRows().add("2023-06-01", "C", "A").add("2023-06-02", "C", "B");

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("api.callback-allowed-hosts", "http://127.0.0.1:" + receiver.port()
                + ", hooks.example.com, *.example.org");
        properties.setProperty("api.webhook-secret", "whsec_" + Base64.getEncoder().encodeToString(key));
        properties.setProperty("api.webhook-retry-for", "PT30S");
    }

    @BeforeAll
    void seedRows() {
        seed(rows);
    }

    @AfterAll
    void stopReceiver() {
        receiver.close();
    }

    private String submitWithCallback(String path) {
        HttpResult accepted = get("/api/submit/query?" + query("01/06/2023", "02/06/2023") + "&callbackUrl="
                + URLEncoder.encode(receiver.url(path), StandardCharsets.UTF_8));
        assertEquals(202, accepted.status(), accepted.toString());
        return accepted.json().get("id").asText();
    }

    @Test
    void aFinishedJobIsDeliveredAsASignedCloudEvent() throws Exception {
        String path = "/hook/" + UUID.randomUUID();
        String id = submitWithCallback(path + "?token=receiver-secret");
        Wait.until("the webhook", Duration.ofSeconds(30), () -> !receiver.receivedAt(path).isEmpty());
        WebhookReceiver.Received hook = receiver.receivedAt(path).get(0);

        assertEquals("POST", hook.method());
        assertEquals("application/cloudevents+json", hook.header("Content-Type"));
        String webhookId = hook.header("webhook-id");
        String timestamp = hook.header("webhook-timestamp");
        assertTrue(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) < 60);
        assertEquals("v1," + sign(webhookId + "." + timestamp + "." + hook.body()), hook.header("webhook-signature"));
        for (String internal : List.of("Authorization", "Cookie", "x-functions-key", "CamelHttpUri")) {
            assertNull(hook.header(internal), internal + " sent to the receiver");
        }
        JsonNode event = JSON.readTree(hook.body());
        assertEquals("1.0", event.get("specversion").asText());
        assertEquals(webhookId, event.get("id").asText());
        assertEquals("io.asynctablequery.job.completed", event.get("type").asText());
        assertEquals(id, event.get("subject").asText());
        assertEquals(base() + "/api/status/" + id, event.get("source").asText(), "the submit's absolute status URL");
        assertEquals("Completed", event.at("/data/runtimeStatus").asText());
        OpenApiContract.shared().requireSchema("the webhook's data", "Status", event.get("data").toString());
        assertEquals(rows.expectedCount("2023-06-01", "2023-06-02"), event.at("/data/result").asLong());

        JsonNode status = Wait.forValue("the delivery recorded", Duration.ofSeconds(10),
                () -> get("/api/status/" + id).json(),
                doc -> "Delivered".equals(doc.at("/callbackDelivery/status").asText()));
        assertEquals(receiver.url(path), status.get("callbackUrl").asText(), "shown without its query string");
        assertEquals(1, status.at("/callbackDelivery/attempts").asInt());
        assertEquals(204, status.at("/callbackDelivery/lastStatusCode").asInt());
        assertFalse(status.toString().contains("receiver-secret"));
        assertFalse(status.toString().contains("must not copy"));
    }

    @Test
    void aFailedDeliveryIsRetriedWithTheSameId() {
        String path = "/retried/" + UUID.randomUUID();
        receiver.answerNext(500);
        String id = submitWithCallback(path);
        Wait.until("two attempts", Duration.ofSeconds(30), () -> receiver.receivedAt(path).size() >= 2);
        List<WebhookReceiver.Received> attempts = receiver.receivedAt(path);
        assertEquals(attempts.get(0).header("webhook-id"), attempts.get(1).header("webhook-id"));
        assertEquals(attempts.get(0).body(), attempts.get(1).body());
        JsonNode status = Wait.forValue("the delivery recorded", Duration.ofSeconds(10),
                () -> get("/api/status/" + id).json(),
                doc -> "Delivered".equals(doc.at("/callbackDelivery/status").asText()));
        assertEquals(2, status.at("/callbackDelivery/attempts").asInt());
    }

    @Test
    void aRedirectIsNotFollowed() {
        String path = "/moved/" + UUID.randomUUID();
        receiver.answerNext(302, 302, 302, 302, 302, 302, 302, 302, 302, 302);
        String id = submitWithCallback(path);
        JsonNode status = Wait.forValue("a failed attempt recorded", Duration.ofSeconds(30),
                () -> get("/api/status/" + id).json(),
                doc -> doc.at("/callbackDelivery/lastStatusCode").asInt() == 302);
        assertEquals("Pending", status.at("/callbackDelivery/status").asText());
        assertTrue(receiver.receivedAt("/redirected").isEmpty(), "the redirect was followed");
    }

    @Test
    void aReceiverThatHangsHoldsUpNoOtherDelivery() {
        String hanging = "/hang/" + UUID.randomUUID();
        String prompt = "/prompt/" + UUID.randomUUID();
        String slowId = submitWithCallback(hanging);
        Wait.until("the hanging delivery under way", Duration.ofSeconds(30),
                () -> !receiver.receivedAt(hanging).isEmpty());
        long start = System.nanoTime();
        submitWithCallback(prompt);
        Wait.until("the other webhook", Duration.ofSeconds(8), () -> !receiver.receivedAt(prompt).isEmpty());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 8);
        JsonNode status = Wait.forValue("the hanging attempt given up after 10 s", Duration.ofSeconds(30),
                () -> get("/api/status/" + slowId).json(),
                doc -> doc.at("/callbackDelivery/attempts").asInt() >= 1);
        assertEquals("Pending", status.at("/callbackDelivery/status").asText());
        assertTrue(status.at("/callbackDelivery/lastStatusCode").isMissingNode(), "no answer, no status code");
    }

    @Test
    void aTerminatedJobIsDeliveredAsTerminated() throws Exception {
        String path = "/terminated/" + UUID.randomUUID();
        String id;
        try (Azurite.Paused frozen = azurite.pause()) {
            id = submitWithCallback(path);
            assertEquals(202, post("/api/status/" + id + "/terminate?reason=stop", null).status());
        }
        Wait.until("the webhook", Duration.ofSeconds(30), () -> !receiver.receivedAt(path).isEmpty());
        JsonNode event = JSON.readTree(receiver.receivedAt(path).get(0).body());
        assertEquals("io.asynctablequery.job.terminated", event.get("type").asText());
        assertEquals("Terminated", event.at("/data/runtimeStatus").asText());
        OpenApiContract.shared().requireSchema("the webhook's data", "Status", event.get("data").toString());
    }

    @Test
    void everyCallbackUrlThatMayNotBeCalledIsRefusedAndCreatesNothing() {
        int before = jobCount();
        String allowed = receiver.url("/ok");
        Map<String, String> refused = Map.of(
                "relative", "/hooks/done",
                "not http", "ftp://hooks.example.com/done",
                "over 2 kB", "https://hooks.example.com/" + "a".repeat(2100),
                "credentials", "https://user:pw@hooks.example.com/done",
                "unlisted host", "https://evil.example.net/done",
                "metadata address", "http://169.254.169.254/latest/meta-data",
                "http to an https-only host", "http://hooks.example.com/done",
                "private address", "https://10.1.2.3/done",
                "not a URL", "https://exa mple.org/ x",
                "wildcard apex", "https://example.org/done");
        refused.forEach((why, url) -> {
            HttpResult answer = get("/api/submit/query?" + query("01/06/2023", "02/06/2023") + "&callbackUrl="
                    + URLEncoder.encode(url, StandardCharsets.UTF_8));
            assertEquals(400, answer.status(), why + ": " + answer);
            assertEquals("application/problem+json", answer.contentType());
        });
        HttpResult twice = get("/api/submit/query?" + query("01/06/2023", "02/06/2023") + "&callbackUrl="
                + URLEncoder.encode(allowed, StandardCharsets.UTF_8) + "&callbackUrl="
                + URLEncoder.encode(allowed, StandardCharsets.UTF_8));
        assertEquals(400, twice.status(), twice.toString());
        HttpResult bodyAndQuery = post("/api/submit/query?callbackUrl=" + URLEncoder.encode(allowed,
                StandardCharsets.UTF_8), "{\"s\":\"01/06/2023\",\"e\":\"02/06/2023\",\"callbackUrl\":\"" + allowed
                + "\"}", "Content-Type", "application/json");
        assertEquals(400, bodyAndQuery.status(), bodyAndQuery.toString());
        assertEquals(before, jobCount());
        // the wildcard admits subdomains over https
        assertEquals(202, get("/api/submit/query?" + query("01/06/2023", "02/06/2023") + "&callbackUrl="
                + URLEncoder.encode("https://hooks.sub.example.org/done", StandardCharsets.UTF_8)).status());
    }

    private String sign(String content) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }
}
