package io.asynctablequery.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on loopback, as a client of the API would run one: it records every request (path,
 * headers, body) and answers each with the next of the statuses it was told (then with its default); on
 * paths under {@code /hang} it answers only after 20 s, past the service's 10 s limit.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** A request as received. */
    public record Received(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Integer> next = new ConcurrentLinkedQueue<>();
    private volatile int fallback = 204;

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            if (exchange.getRequestURI().getPath().startsWith("/hang")) {
                try {
                    Thread.sleep(20_000); // the injected fault: a receiver that never answers in time
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Integer status = next.poll();
            int answer = status == null ? fallback : status;
            if (answer >= 300 && answer < 400) {
                exchange.getResponseHeaders().set("Location", "/redirected");
            }
            byte[] reply = "{\"receiver\":\"says something the service must not copy\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The next answers, in order. */
    public void answerNext(Integer... statuses) {
        next.addAll(List.of(statuses));
    }

    /** The answer once the next ones are used. */
    public void answerOtherwise(int status) {
        fallback = status;
    }

    public List<Received> receivedAt(String path) {
        return received.stream().filter(request -> request.path().startsWith(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
