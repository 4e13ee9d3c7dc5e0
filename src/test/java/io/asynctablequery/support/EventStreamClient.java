package io.asynctablequery.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Reads a server-sent event stream over real HTTP, line by line as it arrives (the text/event-stream
 * format: {@code event:} and {@code data:} fields, a blank line ends an event, lines starting with
 * {@code :} are comments), until the server closes it.
 */
public final class EventStreamClient {

    /** One event as received, with when it arrived. */
    public record Event(String name, JsonNode data, long receivedNanos) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> closed;
    private volatile HttpResponse<Stream<String>> response;
    private volatile AssertionError invalid;

    private EventStreamClient(String url, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        closed = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(answer -> {
                    response = answer;
                    read(answer.body());
                });
    }

    /** Opens the stream; events are collected in the background. */
    public static EventStreamClient open(String url, String... headers) {
        return new EventStreamClient(url, headers);
    }

    private void read(Stream<String> lines) {
        String name = "message";
        StringBuilder data = new StringBuilder();
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    try {
                        if ("status".equals(name)) { // the status document, as the OpenAPI document declares it
                            OpenApiContract.shared().requireSchema("event " + name, "Status", data.toString());
                        }
                        events.add(new Event(name, JSON.readTree(data.toString()), System.nanoTime()));
                    } catch (IOException e) {
                        invalid = new AssertionError("event data is not JSON: " + data, e);
                    } catch (AssertionError e) {
                        invalid = e;
                    }
                }
                name = "message";
                data.setLength(0);
            } else if (line.startsWith(":")) {
                continue; // a comment (keep-alive)
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            }
        }
    }

    /** The events so far; fails when one was not what the OpenAPI document declares. */
    public List<Event> events() {
        if (invalid != null) {
            throw invalid;
        }
        return new ArrayList<>(events);
    }

    public HttpResponse<Stream<String>> response() {
        return response;
    }

    /** Waits until the server has closed the stream. */
    public EventStreamClient awaitClosed(Duration deadline) {
        Wait.until("the event stream closed", deadline, closed::isDone);
        closed.join();
        return this;
    }

    public boolean isClosed() {
        return closed.isDone();
    }
}
