package io.asynctablequery.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/** A plain HTTP client of the API at one base URL, as the tests use it. */
public class ApiClient {

    public static final Duration DEADLINE = Duration.ofSeconds(30);
    /**
     * HTTP/1.1, as the API's callers speak it over plain HTTP (Durable Functions clients, Azure SDK pollers, curl,
     * browsers). Not Java's default HTTP/2 upgrade ({@code h2c}): Java 17's client now and then misreads a first
     * answer longer than 64 KiB on a new connection (README, "Slow clients"); SlowClientsTest speaks HTTP/2 itself.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Supplier<String> base;
    private final String[] credential;

    public ApiClient(Supplier<String> base) {
        this(base, new String[0]);
    }

    /** A client that sends these headers (name, value, ...) with every request: a caller's credential. */
    public ApiClient(Supplier<String> base, String... credential) {
        this.base = base;
        this.credential = credential;
    }

    public String base() {
        return base.get();
    }

    public HttpResult get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public HttpResult post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    public HttpResult delete(String path) {
        return send("DELETE", path, null);
    }

    public HttpResult send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base() + path))
                .timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < credential.length; i += 2) {
            request.header(credential[i], credential[i + 1]);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpRequest built = request.build();
            HttpResult result = HttpResult.of(HTTP.send(built, HttpResponse.BodyHandlers.ofString()));
            OpenApiContract.shared().check(method, built.uri(), result);
            return result;
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A GET on a connection of its own (a new client), for answers after which the server closes it. */
    public static int onItsOwnConnection(String url) {
        try {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new AssertionError("GET " + url.substring(0, Math.min(80, url.length())) + "… failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static String query(String start, String end) {
        return "s=" + URLEncoder.encode(start, StandardCharsets.UTF_8) + "&e=" + URLEncoder.encode(end,
                StandardCharsets.UTF_8);
    }

    /** Submits with GET, as the original clients do, and checks it was accepted. */
    public String submit(String start, String end) {
        HttpResult accepted = get("/api/submit/query?" + query(start, end));
        if (accepted.status() != 202 && accepted.status() != 200) {
            throw new AssertionError("submit not accepted: " + accepted);
        }
        return accepted.json().get("id").asText();
    }

    /**
     * Polls the status URL until the job is finished; returns its status document. A {@code 503} (storage did not
     * answer the status read within api.storage-timeout, on a busy machine) is asked again, as its Retry-After says.
     */
    public JsonNode awaitFinished(String id) {
        return awaitFinished(id, DEADLINE);
    }

    public JsonNode awaitFinished(String id, Duration deadline) {
        return Wait.forValue("job " + id + " finished", deadline, () -> get("/api/status/" + id + "?wait=2"),
                response -> response.status() != 202 && response.status() != 503).json();
    }

    /** Polls until the job has the given runtime status. */
    public JsonNode awaitStatus(String id, String status) {
        return Wait.forValue("job " + id + " " + status, DEADLINE, () -> get("/api/status/" + id),
                response -> status.equals(response.json().path("runtimeStatus").asText())).json();
    }

    /** How many jobs the API lists (all pages). */
    public int jobCount() {
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
