package io.asynctablequery.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * Application Insights' ingestion endpoint in the test: what Azure Monitor's exporter sends to the
 * {@code IngestionEndpoint} of its connection string ({@code POST /v2.1/track}, newline-delimited JSON telemetry
 * items, gzip), each item kept as JSON. Live metrics' calls (its {@code LiveEndpoint} is this server too) are
 * answered 200 and counted with every other path.
 */
public final class IngestionReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> items = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    public IngestionReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            paths.add(path);
            int received = 0;
            try (InputStream body = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                if (path.endsWith("/v2.1/track")) {
                    BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (!line.isBlank()) {
                            items.add(JSON.readTree(line));
                            received++;
                        }
                    }
                } else {
                    body.readAllBytes();
                }
                byte[] answer = ("{\"itemsReceived\":" + received + ",\"itemsAccepted\":" + received
                        + ",\"errors\":[]}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The connection string of an Application Insights resource whose endpoints are this server. */
    public String connectionString(String instrumentationKey) {
        String here = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        return "InstrumentationKey=" + instrumentationKey + ";IngestionEndpoint=" + here + ";LiveEndpoint=" + here;
    }

    /** The telemetry items received so far. */
    public List<JsonNode> items() {
        return List.copyOf(items);
    }

    /** Every path asked so far. */
    public List<String> paths() {
        return List.copyOf(paths);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
