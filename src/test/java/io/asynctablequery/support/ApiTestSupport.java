package io.asynctablequery.support;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.TestInstance;

/**
 * Boots the real application (Camel Main, ./application.properties, the YAML routes in ./routes) once per
 * test class, on a free port, against the shared real Azurite, with the audit table named after the test
 * class. Tests talk to it over real HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ApiTestSupport extends CamelMainTestSupport {

    protected static final Duration DEADLINE = Duration.ofSeconds(30);

    protected final Azurite azurite = Azurite.shared();
    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int port;

    /** Properties this test class sets on top of application.properties. */
    protected void configure(Properties properties) {
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application.properties";
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        port = Azurite.freePort();
        Properties properties = new Properties();
        properties.setProperty("camel.server.port", String.valueOf(port));
        properties.setProperty("azure.storage.connection-string", azurite.connectionString());
        properties.setProperty("audit.table-name", auditTable());
        properties.setProperty("api.retry-after", "1");
        properties.setProperty("azure.storage.max-retries", "1");
        configure(properties);
        camelContextConfiguration().withUseOverridePropertiesWithPropertiesComponent(properties);
        return super.createCamelContext();
    }

    /** The audit table of this test class: its own, so classes never see each other's rows. */
    protected String auditTable() {
        return "audit" + getClass().getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    protected TableServiceClient tables() {
        return new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
    }

    protected void seed(AuditRows rows) {
        rows.insertInto(tables(), auditTable());
    }

    protected String base() {
        return "http://localhost:" + port;
    }

    protected HttpResult get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    protected HttpResult post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    protected HttpResult delete(String path) {
        return send("DELETE", path, null);
    }

    protected HttpResult send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base() + path))
                .timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return HttpResult.of(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    protected static String query(String start, String end) {
        return "s=" + URLEncoder.encode(start, StandardCharsets.UTF_8) + "&e=" + URLEncoder.encode(end,
                StandardCharsets.UTF_8);
    }

    /** Submits with GET, as the original clients do, and checks it was accepted. */
    protected String submit(String start, String end) {
        HttpResult accepted = get("/api/submit/query?" + query(start, end));
        if (accepted.status() != 202 && accepted.status() != 200) {
            throw new AssertionError("submit not accepted: " + accepted);
        }
        return accepted.json().get("id").asText();
    }

    /** Polls the status URL until the job is finished; returns its status document. */
    protected JsonNode awaitFinished(String id) {
        return Wait.forValue("job " + id + " finished", DEADLINE, () -> get("/api/status/" + id + "?wait=2"),
                response -> response.status() != 202).json();
    }

    /** Polls until the job has the given runtime status. */
    protected JsonNode awaitStatus(String id, String status) {
        return Wait.forValue("job " + id + " " + status, DEADLINE, () -> get("/api/status/" + id),
                response -> status.equals(response.json().path("runtimeStatus").asText())).json();
    }

    /** How many jobs the API lists (all pages). */
    protected int jobCount() {
        int count = 0;
        String token = null;
        do {
            HttpResult page = token == null ? get("/api/status?top=1000")
                    : get("/api/status?top=1000", "x-ms-continuation-token", token);
            count += page.json().size();
            token = page.header("x-ms-continuation-token");
        } while (token != null);
        return count;
    }
}
