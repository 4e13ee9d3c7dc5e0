package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.EventStreamClient;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.IdentityEndpoint;
import io.asynctablequery.support.TestCertificate;
import io.asynctablequery.support.Wait;
import io.asynctablequery.support.WebhookReceiver;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Storage reached by managed identity, no key anywhere (SPEC §12), through a real token flow: an Azurite that
 * takes bearer tokens over HTTPS only ({@code --oauth basic}, a certificate the test makes and each instance's
 * JVM trusts), and a managed identity endpoint of the App Service / Container Apps protocol that mints the
 * tokens and counts its calls. Instances run as users run them ({@code java -jar}), with
 * {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} in their environment; their settings name the
 * endpoints and the identity, and hold no connection string and no key.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests share nothing: each has its own instances, tables and queue
class ManagedIdentityIT {

    private static final TestCertificate CERTIFICATE = TestCertificate.forLoopback();
    private static final Azurite AZURITE = Azurite.securedByTokens(CERTIFICATE);
    /** A user-assigned identity: the instance names it to the endpoint. */
    private static final String CLIENT_ID = UUID.randomUUID().toString();

    private final IdentityEndpoint identity = IdentityEndpoint.start();
    private final String suffix = "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final List<AppProcess> instances = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (AppProcess instance : instances) {
            instance.close();
        }
        identity.close();
    }

    @Test
    void oneInstanceAnswersEveryPartOfTheApiWithTokensAndNoKey() throws Exception {
        AuditRows rows = seedYears(2021, 2021);
        AppProcess app = start("one", settings("jobs.dispatch", "seda", "audit.summaries", "true"),
                IdentityEndpoint.SECRET);
        ApiClient management = new ApiClient(app::managementBase);

        Wait.forValue("readiness UP", Duration.ofSeconds(60), () -> management.get("/observe/health/ready"),
                answer -> answer.status() == 200);
        String id = app.api.submit("01/01/2021", "31/12/2021");
        EventStreamClient stream = EventStreamClient.open(app.api.base() + "/api/status/" + id);
        JsonNode done = app.api.awaitFinished(id);
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(rows.expectedCount("2021-01-01", "2021-12-31"), done.get("result").asLong());
        stream.awaitClosed(Duration.ofSeconds(30));
        EventStreamClient.Event last = stream.events().get(stream.events().size() - 1);
        assertEquals(done.get("result").asLong(), last.data().get("result").asLong(), last.toString());
        assertTrue(app.api.get("/api/status").body().contains(id), "the listing holds the job");
        // Per-day summaries in blob storage, reached with the same identity: the year again from its summaries.
        JsonNode again = app.api.awaitFinished(app.api.submit("01/01/2021", "31/12/2021"));
        assertEquals(done.get("result").asLong(), again.get("result").asLong(), again.toString());
        assertEquals(365, again.at("/customStatus/partitionsFromSummaries").asInt(), again.toString());
        assertEquals(365, app.api.get("/api/summaries?s=01/01/2021&e=31/12/2021").json().size());

        String longJob = app.api.submit("01/01/1900", "31/12/2099"); // 73,000 days, one query each
        app.api.awaitStatus(longJob, "Running");
        assertEquals(202, app.api.post("/api/status/" + longJob + "/terminate?reason=enough", null).status());
        assertEquals("Terminated", app.api.awaitFinished(longJob).get("runtimeStatus").asText());

        assertTrue(identity.asked() >= 1, "the identity endpoint was asked");
        assertEquals(0, identity.refused() + identity.failed());
        assertFalse(identity.clientIds().isEmpty(), "the user-assigned identity was named");
        identity.clientIds().forEach(named -> assertEquals(CLIENT_ID, named));
    }

    @Test
    void instancesSharingAQueueRunJobsAndDeliverWebhooksWithTokens() throws Exception {
        AuditRows rows = seedYears(2022, 2022);
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Map<String, String> settings = settings("jobs.dispatch", "azure-storage-queue",
                    "api.callback-allowed-hosts", "http://127.0.0.1:" + receiver.port(),
                    "api.webhook-secret", "whsec_" + Base64.getEncoder().encodeToString(new SecureRandom()
                            .generateSeed(32)));
            Map<String, String> apiOnly = new HashMap<>(settings);
            apiOnly.put("jobs.workers", "0");
            AppProcess api = start("api", apiOnly, IdentityEndpoint.SECRET);
            AppProcess worker = start("worker", settings, IdentityEndpoint.SECRET);
            String path = "/done/" + suffix;

            String id = api.api.get("/api/submit/query?s=01/03/2022&e=30/09/2022&callbackUrl="
                    + URLEncoder.encode(receiver.url(path), StandardCharsets.UTF_8)).json().get("id").asText();

            JsonNode done = api.api.awaitFinished(id);
            assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
            assertEquals(rows.expectedCount("2022-03-01", "2022-09-30"), done.get("result").asLong());
            assertTrue(worker.api.get("/api/status").body().contains(id), "the worker lists the job");
            Wait.until("the webhook", Duration.ofSeconds(30), () -> !receiver.receivedAt(path).isEmpty());
            JsonNode event = new ObjectMapper().readTree(receiver.receivedAt(path).get(0).body());
            assertEquals(done.get("result").asLong(), event.at("/data/result").asLong(), event.toString());
            assertTrue(worker.log().contains(id), "the worker ran the job");
            for (AppProcess instance : List.of(api, worker)) {
                HttpResult ready = new ApiClient(instance::managementBase).get("/observe/health/ready");
                assertEquals(200, ready.status(), ready.body());
                assertTrue(ready.body().contains("storage-credential"), ready.body());
            }
            assertEquals(0, identity.refused() + identity.failed());
        }
    }

    @Test
    void requestsGoOnPastTwoTokenLifetimesWithTheEndpointAskedAgain() {
        AuditRows rows = seedYears(2021, 2021);
        Duration lifetime = Duration.ofSeconds(60);
        identity.tokensLive(lifetime);
        AppProcess app = start("lifetimes", settings("jobs.dispatch", "seda"), IdentityEndpoint.SECRET);
        long firstToken = identity.tokenTimes().get(0);
        long end = firstToken + lifetime.multipliedBy(2).plusSeconds(5).toNanos();

        int jobs = 0;
        while (System.nanoTime() - end < 0) { // a job with each token the endpoint gives, read and written with it
            String id = app.api.submit("01/01/2021", "31/12/2021");
            JsonNode done = app.api.awaitFinished(id);
            assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
            assertEquals(rows.expectedCount("2021-01-01", "2021-12-31"), done.get("result").asLong());
            jobs++;
            // Requests go on meanwhile (the job read again, from the job table, with the token of the moment),
            // until the credential has asked the endpoint for the next token or the lifetimes are over.
            int tokens = identity.tokenTimes().size();
            Wait.until("the next token", lifetime.multipliedBy(3), () -> {
                assertEquals(200, app.api.get("/api/status/" + id).status());
                return identity.tokenTimes().size() > tokens || System.nanoTime() - end >= 0;
            });
        }

        List<Long> given = identity.tokenTimes();
        assertTrue(given.get(given.size() - 1) - firstToken > lifetime.multipliedBy(2).minusSeconds(30).toNanos(),
                "a token given in the third lifetime: " + given.size() + " tokens for " + jobs + " jobs");
        assertEquals(0, identity.refused() + identity.failed());
    }

    @Test
    void anIdentityEndpointFailingMidJobIsRetriedAndTheJobCompletesWithTheExactCount() {
        AuditRows rows = seedYears(2000, 2009);
        // A scan needs a new token every 3 s: the outage cannot pass it by (storage takes each for a minute).
        identity.tokensLive(Duration.ofSeconds(3), Duration.ofSeconds(60));
        // A memory job store: status answers while no token comes; the scan reads a day per query.
        AppProcess app = start("outage", settings("jobs.dispatch", "seda", "jobs.store", "memory",
                "audit.scan-slice-days", "1", "audit.scan-parallelism", "1"), IdentityEndpoint.SECRET);
        String id = app.api.submit("01/01/1990", "31/12/2009");
        Wait.forValue("a few days scanned", Duration.ofSeconds(60), () -> app.api.get("/api/status/" + id).json(),
                job -> job.at("/customStatus/partitionsDone").asInt() >= 10);

        long outageEnds = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        identity.failFor(Duration.ofSeconds(10));
        Wait.until("the instance asking for a token during the outage", Duration.ofSeconds(10),
                () -> identity.failed() >= 1);
        Wait.until("the outage over", Duration.ofSeconds(15), () -> System.nanoTime() - outageEnds > 0);
        // The scan waited for a token (the credential retries a 500 itself) or retried its page: still running.
        assertEquals("Running", app.api.get("/api/status/" + id).json().get("runtimeStatus").asText());

        JsonNode done = app.api.awaitFinished(id, Duration.ofSeconds(180));
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        assertEquals(rows.expectedCount("1990-01-01", "2009-12-31"), done.get("result").asLong());
    }

    @Test
    void anIdentityEndpointDownAtStartLeavesTheInstanceStartedAndNotReadyUntilItAnswers() {
        AuditRows rows = seedYears(2021, 2021);
        identity.failFor(Duration.ofMinutes(10));
        AppProcess app = start("down-at-start", settings("jobs.dispatch", "seda"), IdentityEndpoint.SECRET);
        ApiClient management = new ApiClient(app::managementBase);

        HttpResult down = Wait.forValue("readiness DOWN naming the credential", Duration.ofSeconds(60),
                () -> management.get("/observe/health/ready"), answer -> answer.status() == 503
                        && answer.body().contains("no token from the managed-identity credential"));
        assertEquals(503, app.api.get("/api/status").status(), "the job table cannot be read yet");
        assertTrue(app.log().contains("Storage not ready: cannot create table jobs" + suffix), app.log());

        identity.recover();
        Wait.forValue("readiness UP", Duration.ofSeconds(90), () -> management.get("/observe/health/ready"),
                answer -> answer.status() == 200);
        String id = app.api.submit("01/01/2021", "31/12/2021");
        JsonNode done = app.api.awaitFinished(id);
        assertEquals(rows.expectedCount("2021-01-01", "2021-12-31"), done.get("result").asLong());
        assertFalse(down.body().contains(IdentityEndpoint.SECRET));
    }

    @Test
    void aWrongIdentityHeaderLeavesReadinessDownWithACauseThatHoldsNoSecret() {
        String wrongSecret = IdentityEndpoint.SECRET_PREFIX + "wrong-" + UUID.randomUUID();
        AppProcess app = start("wrong-header", settings("jobs.dispatch", "seda"), wrongSecret);
        ApiClient management = new ApiClient(app::managementBase);

        HttpResult down = Wait.forValue("readiness DOWN with the endpoint's refusal", Duration.ofSeconds(60),
                () -> management.get("/observe/health/ready"), answer -> answer.status() == 503
                        && answer.body().contains("no token from the managed-identity credential")
                        && answer.body().contains("Unauthorized"));
        Wait.until("a log line naming the cause", Duration.ofSeconds(30), () -> app.log().lines().anyMatch(line ->
                line.contains("no token from the managed-identity credential") && line.contains("Unauthorized")));

        assertTrue(identity.refused() >= 1);
        String log = app.log();
        for (String text : List.of(log, down.body())) {
            assertFalse(text.contains(wrongSecret), "the header secret is shown");
            assertFalse(text.contains(IdentityEndpoint.SECRET), "the endpoint's secret is shown");
            assertFalse(text.contains("eyJ"), "a token is shown");
        }
    }

    private Map<String, String> settings(String... more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "azure.storage.credential-type", "managed-identity",
                "azure.storage.managed-identity-client-id", CLIENT_ID,
                "azure.storage.table-endpoint", AZURITE.httpsEndpoint("table"),
                "azure.storage.queue-endpoint", AZURITE.httpsEndpoint("queue"),
                "azure.storage.blob-endpoint", AZURITE.httpsEndpoint("blob"),
                "jobs.store", "table",
                "jobs.queue-name", "jobs-" + suffix,
                "jobs.table-name", "jobs" + suffix,
                "audit.table-name", "audit" + suffix,
                "api.retry-after", "1"));
        settings.put("audit.max-range-days", "73100");
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return settings;
    }

    private AppProcess start(String name, Map<String, String> settings, String headerSecret) {
        AppProcess app = AppProcess.start(suffix + "-" + name, settings, identity.environment(headerSecret),
                CERTIFICATE.trustingJvmOptions());
        instances.add(app);
        return app;
    }

    /** A dozen rows a year, written with a token as the instances read them. */
    private AuditRows seedYears(int firstYear, int lastYear) {
        AuditRows rows = new AuditRows();
        for (int year = firstYear; year <= lastYear; year++) {
            for (int i = 0; i < 12; i++) {
                LocalDate day = LocalDate.of(year, i + 1, 1 + (year * 7 + i) % 28);
                rows.add(day.toString(), i % 5 == 0 ? "" : "C", "ID" + (year * 13 + i * 7) % 151);
            }
        }
        rows.insertInto(tablesWithAToken(), "audit" + suffix);
        return rows;
    }

    private TableServiceClient tablesWithAToken() {
        try {
            SslContext trusting = SslContextBuilder.forClient().trustManager(CERTIFICATE.certificate().toFile())
                    .build();
            return new TableServiceClientBuilder().endpoint(AZURITE.httpsEndpoint("table"))
                    .httpClient(new NettyAsyncHttpClientBuilder(HttpClient.create()
                            .secure(ssl -> ssl.sslContext(trusting))).build())
                    .credential(request -> Mono.just(new AccessToken(identity.mint(Duration.ofMinutes(30)),
                            OffsetDateTime.now().plusMinutes(30))))
                    .buildClient();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }
}
