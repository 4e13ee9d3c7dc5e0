package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.DribblingClients;
import io.asynctablequery.support.EventStreamClient;
import io.asynctablequery.support.StorageFaultTestSupport;
import io.asynctablequery.support.Wait;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Clients that never finish a request are closed (SPEC §18), on the API port and on the management port, and work
 * in progress is not: over real sockets, hundreds of connections that dribble a request head a byte at a time are
 * closed with a 408 once {@code api.request-head-timeout} has passed, while a held wait, an event stream and a body
 * sent slowly go on past both deadlines; a kept-alive connection is closed after {@code api.idle-timeout}, not before.
 * The deadlines are shortened for the test; the job is held Running by stalled storage (a fault proxy).
 */
class SlowClientsTest extends StorageFaultTestSupport {

    private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
    /** How late a close may come on a busy machine; a close never comes early. */
    private static final Duration LATE = Duration.ofSeconds(10);
    private static final int API_DRIBBLERS = 300;
    private static final int MANAGEMENT_DRIBBLERS = 20;
    private static final Pattern CLOSED = Pattern.compile(
            "audit_http_connections_closed_total\\{[^}]*reason=\"([a-z-]+)\"[^}]*} ([0-9.E]+)");

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("api.request-head-timeout", HEAD_TIMEOUT.toString());
        properties.setProperty("api.idle-timeout", IDLE_TIMEOUT.toString());
        properties.setProperty("audit.page-timeout", "PT2M"); // the stalled page is waited for, not retried
    }

    @Test
    void dribblingHeadsAreClosedWhileHeldWaitsStreamsAndSlowBodiesGoOn() throws Exception {
        AuditRows rows = new AuditRows();
        for (int day = 1; day <= 3; day++) {
            for (int i = 0; i < 10; i++) {
                rows.add(LocalDate.of(2023, 7, day).toString(), "C", "ID" + (day * 7 + i) % 13);
            }
        }
        seed(rows);
        long expected = rows.expectedCount("2023-07-01", "2023-07-03");
        double closedForHeadsBefore = closed("request-head");

        storage.stall();
        String id = submit("01/07/2023", "03/07/2023");
        awaitStatus(id, "Running");
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> heldWait = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).build()
                .sendAsync(HttpRequest.newBuilder(URI.create(base() + "/api/status/" + id + "?wait=60"))
                        .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        EventStreamClient stream = EventStreamClient.open(base() + "/api/status/" + id, "Accept", "text/event-stream");

        String head = "GET /api/status/" + id + " HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
        try (DribblingClients api = DribblingClients.open(port(base()), API_DRIBBLERS, head, 500);
             DribblingClients management = DribblingClients.open(port(managementBase()), MANAGEMENT_DRIBBLERS,
                     "GET /observe/health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ", 500)) {
            // a body sent a little at a time, for longer than both deadlines, within the size limit: accepted
            String body = "{\"s\": \"01/08/2023\", \"e\": \"02/08/2023\"}";
            String slowPost = slowlySent("POST /api/submit/query HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n", body,
                    IDLE_TIMEOUT.plusSeconds(1));
            assertTrue(slowPost.startsWith("HTTP/1.1 202"), slowPost);

            for (DribblingClients clients : new DribblingClients[] {api, management}) {
                Wait.until("every dribbling client closed", HEAD_TIMEOUT.plus(LATE).plus(IDLE_TIMEOUT),
                        () -> clients.stillOpen() == 0);
                for (DribblingClients.Connection connection : clients.connections()) {
                    assertTrue(connection.openMillis() >= HEAD_TIMEOUT.toMillis(),
                            "closed after " + connection.openMillis() + " ms, before the head timeout");
                    assertTrue(connection.openMillis() <= HEAD_TIMEOUT.plus(LATE).toMillis(),
                            "closed only after " + connection.openMillis() + " ms");
                    assertTrue(connection.received().startsWith("HTTP/1.1 408 "), connection.received());
                }
            }
        }
        assertEquals(API_DRIBBLERS + MANAGEMENT_DRIBBLERS, closed("request-head") - closedForHeadsBefore, 0.5,
                "connections counted as closed for their heads");

        // the wait and the stream were held past both deadlines, and end with the job
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) > IDLE_TIMEOUT.toMillis());
        assertTrue(!heldWait.isDone() && !stream.isClosed(), "the held wait or the stream was cut");
        storage.pass();
        HttpResponse<String> answer = heldWait.get(90, TimeUnit.SECONDS);
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode document = new ObjectMapper().readTree(answer.body());
        assertEquals("Completed", document.get("runtimeStatus").asText());
        assertEquals(expected, document.get("result").asLong());
        stream.awaitClosed(Duration.ofSeconds(60));
        JsonNode last = stream.events().get(stream.events().size() - 1).data();
        assertEquals("Completed", last.get("runtimeStatus").asText());
        assertEquals(expected, last.get("result").asLong());
    }

    @Test
    void aKeptAliveConnectionIsClosedAfterTheIdleTimeoutNotBefore() throws Exception {
        double closedIdleBefore = closed("idle");
        try (Socket socket = new Socket("127.0.0.1", port(base()))) {
            OutputStream out = socket.getOutputStream();
            long sent = System.nanoTime(); // before the response ends, when the server's idle deadline starts
            out.write("GET /api/openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
            assertTrue(length.find(), head);
            in.readNBytes(Integer.parseInt(length.group(1)));

            // open past the head timeout: a connection with nothing to say is idle, not a slow head
            socket.setSoTimeout((int) HEAD_TIMEOUT.plusSeconds(1).toMillis());
            try {
                int read = in.read();
                throw new AssertionError("the connection ended (" + read + ") before the idle timeout");
            } catch (SocketTimeoutException stillOpen) {
                // expected
            }
            socket.setSoTimeout((int) IDLE_TIMEOUT.plus(LATE).toMillis());
            assertEquals(-1, in.read(), "closed without an answer");
            long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertTrue(idleMillis >= IDLE_TIMEOUT.toMillis(), "closed after " + idleMillis + " ms");
        }
        Wait.until("the idle close counted", Duration.ofSeconds(10), () -> closed("idle") - closedIdleBefore >= 1);
    }

    @Test
    void aConnectionTurnedToHttp2IsLeftToHttp2() throws Exception {
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build(); // h2c upgrade
        // a short answer: Java 17's client misreads now and then a first answer over 64 KiB after the upgrade (README)
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/api/status?top=1")).build();
        HttpResponse<String> first = http2.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode());
        HttpResponse<String> second = http2.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, second.version(), "the connection turned to HTTP/2");
        Thread.sleep(IDLE_TIMEOUT.plusSeconds(1).toMillis()); // the connection's quiet time is what is tested
        HttpResponse<String> after = http2.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, after.statusCode(), "an HTTP/2 client's next request after both deadlines");
        assertEquals(HttpClient.Version.HTTP_2, after.version());
    }

    /** Sends a request's head at once and its body a byte at a time over {@code over}; returns the answer's head. */
    private String slowlySent(String head, String body, Duration over) throws IOException, InterruptedException {
        try (Socket socket = new Socket("127.0.0.1", port(base()))) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            long pause = over.toMillis() / bytes.length + 1;
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                Thread.sleep(pause); // the client's own pace, not a wait for a condition
            }
            return readHead(socket.getInputStream());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private double closed(String reason) {
        Matcher counter = CLOSED.matcher(api.get(managementBase() + "/observe/metrics").body());
        double total = 0;
        while (counter.find()) {
            if (counter.group(1).equals(reason)) {
                total += Double.parseDouble(counter.group(2));
            }
        }
        return total;
    }

    private static int port(String base) {
        return URI.create(base).getPort();
    }
}
