package io.asynctablequery.support;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback proxy between the application and Azurite that injects storage faults on command:
 * {@link #refuse()} (connections cut, new ones refused), {@link #cut()} (open connections reset),
 * {@link #stall()} (nothing forwarded until {@link #pass()}), {@link #delay} (each chunk towards storage
 * held back), {@link #throttle} (answers trickle back at a few bytes a second), and {@link #serverBusy} (the next requests answered {@code 503 ServerBusy} with Azure's
 * error body, as Azure does past its scalability targets). It forwards bytes as they come, or, with an
 * {@link AzureModel} ({@link #modelling}), request by request, each answer held back as Azure's limits say.
 * The benchmark runs it as a program ({@link #main}). One thread per connection direction: a test tool.
 */
public final class FaultProxy implements AutoCloseable {

    private final int port;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final AtomicInteger busyAnswersLeft = new AtomicInteger();
    private final AtomicInteger busyAnswered = new AtomicInteger();
    private static final String JSON_ERROR = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";
    private static final byte[] SERVER_BUSY_BODY = ("{\"odata.error\":{\"code\":\"ServerBusy\",\"message\":"
            + "{\"lang\":\"en-US\",\"value\":\"The server is busy.\"}}}").getBytes(StandardCharsets.UTF_8);
    private volatile ServerSocket server;
    private volatile boolean stalled;
    private volatile long delayMillis;
    private volatile int answerBytesPerSecond;
    private volatile long busyUntil = System.nanoTime();
    private volatile boolean closed;
    private volatile String refusedPath;

    private final AzureModel model;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();

    private FaultProxy(int port, int targetPort, AzureModel model) {
        this.port = port;
        this.targetPort = targetPort;
        this.model = model;
    }

    /**
     * A proxy on a free loopback port to {@code targetPort}, passing everything. A port that is taken between its
     * check and the proxy's bind (seen once in CI) is given up for the next free one.
     */
    public static FaultProxy to(int targetPort) {
        for (int attempt = 1; ; attempt++) {
            FaultProxy proxy = new FaultProxy(Azurite.freePort(), targetPort, null);
            try {
                proxy.listen();
                return proxy;
            } catch (IllegalStateException taken) {
                if (!(taken.getCause() instanceof java.net.BindException) || attempt == 5) {
                    throw taken;
                }
            }
        }
    }

    /** A proxy on {@code port} to Azurite's table endpoint on {@code targetPort} that behaves as {@code model} says. */
    public static FaultProxy modelling(int port, int targetPort, AzureModel model) {
        FaultProxy proxy = new FaultProxy(port, targetPort, model);
        proxy.listen();
        return proxy;
    }

    /**
     * The Azure model as a program, for the benchmark: {@code FaultProxy PORT TARGET_PORT [PARTITION_RATE
     * ACCOUNT_RATE LATENCY_MS BUSY_BACKLOG_MS]} (defaults: {@link AzureModel#azureTargets()}). {@code GET
     * /model/stats} on it answers what it served; {@code GET /model/server-busy-for/MILLIS} answers every request
     * {@code 503 ServerBusy} for that long, as Azure does to an account pushed past its targets. Runs until killed.
     */
    public static void main(String[] args) throws InterruptedException {
        AzureModel model = args.length > 2 ? new AzureModel(Double.parseDouble(args[2]), Double.parseDouble(args[3]),
                Duration.ofMillis(Long.parseLong(args[4])), Duration.ofMillis(Long.parseLong(args[5])))
                : AzureModel.azureTargets();
        modelling(Integer.parseInt(args[0]), Integer.parseInt(args[1]), model);
        System.out.println("Azure model on port " + args[0] + " in front of port " + args[1]);
        Thread.currentThread().join();
    }

    public int port() {
        return port;
    }

    /** Back to normal: listening, forwarding, no delay or throttle; stalled data goes on. */
    public synchronized void pass() {
        refusedPath = null;
        delayMillis = 0;
        answerBytesPerSecond = 0;
        busyAnswersLeft.set(0);
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
        if (server == null || server.isClosed()) {
            listen();
        }
    }

    /** Open connections are reset and new ones refused, as when storage is down or unreachable. */
    public synchronized void refuse() {
        try {
            server.close();
        } catch (IOException e) {
            // closed already
        }
        cut();
    }

    /**
     * With a model: every request whose target contains {@code part} (e.g. one table's name) has its connection
     * closed unanswered, as storage that is down; other requests pass. Null: none. {@link #pass()} ends it too.
     */
    public void refuseRequestsTo(String part) {
        refusedPath = part;
    }

    /** Resets every open connection (a dropped connection mid-request). */
    public void cut() {
        for (Socket socket : open) {
            reset(socket);
        }
    }

    /** Accepts and holds everything, forwarding nothing, until {@link #pass()}: storage that stalls. */
    public void stall() {
        stalled = true;
    }

    /** Holds back every chunk sent towards storage by this long: a slow network (bytes mode; a model has its own latency). */
    public void delay(long millis) {
        delayMillis = millis;
    }

    /**
     * Answers come back at {@code bytesPerSecond} on each connection: a slow link, on which a page of a
     * thousand entities takes long and a one-entity write little (bytes mode).
     */
    public void throttle(int bytesPerSecond) {
        answerBytesPerSecond = bytesPerSecond;
    }

    /** The next {@code requests} requests are answered {@code 503 ServerBusy} by the proxy itself. */
    public void serverBusy(int requests) {
        busyAnswersLeft.addAndGet(requests);
        cut(); // requests on kept-alive connections would pass it by: make them come on new ones
    }

    /** How many {@code 503 ServerBusy} answers the proxy has given. */
    public int serverBusyAnswered() {
        return busyAnswered.get();
    }

    @Override
    public synchronized void close() {
        closed = true;
        pass();
        refuse();
    }

    private void listen() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
            server = socket;
            daemon("fault-proxy-accept-" + port, () -> accept(socket));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot listen on " + port, e);
        }
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                open.add(client);
                daemon("fault-proxy-connection", () -> serve(client));
            } catch (IOException e) {
                return; // closed: refusing
            }
        }
    }

    private void serve(Socket client) {
        try {
            if (busyAnswersLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                answerServerBusy(client);
                return;
            }
            if (model != null) {
                exchange(client);
                return;
            }
            Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            open.add(target);
            daemon("fault-proxy-to-storage", () -> pump(client, target, true));
            pump(target, client, false);
        } catch (IOException e) {
            close(client);
        }
    }

    /**
     * Request by request: forwards each on a connection of its own to storage (one kept alive could be closed
     * by storage while the client's side is idle, which the client would see as a connection closed before
     * its answer), reads storage's whole answer, and sends it when the model says.
     */
    private void exchange(Socket client) {
        try (InputStream fromClient = new BufferedInputStream(client.getInputStream());
             OutputStream toClient = new BufferedOutputStream(client.getOutputStream())) {
            String requestHead;
            while (!(requestHead = readHead(fromClient)).isEmpty()) {
                byte[] requestBody = readBody(fromClient, requestHead);
                awaitGate();
                String[] requestLine = requestHead.substring(0, requestHead.indexOf("\r\n")).split(" ", 3);
                if (requestLine[1].startsWith("/model/stats")) {
                    write(toClient, 200, "text/plain", (model.stats() + " injected_server_busy=" + busyAnswered.get())
                            .getBytes(StandardCharsets.UTF_8), "");
                    continue;
                }
                if (requestLine[1].startsWith("/model/server-busy-for/")) { // the benchmark's burst of 503s
                    busyUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
                            Long.parseLong(requestLine[1].substring("/model/server-busy-for/".length())));
                    write(toClient, 200, "text/plain", new byte[0], "");
                    return;
                }
                String refused = refusedPath;
                if (refused != null && requestLine[1].contains(refused)) {
                    return; // closed unanswered, in finally
                }
                if (System.nanoTime() - busyUntil < 0 || busyAnswersLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                    busyAnswered.incrementAndGet();
                    writeServerBusy(toClient, "");
                    continue;
                }
                String forwarded = requestLine[0] + " " + AzureModel.rewrite(requestLine[1]) + " " + requestLine[2]
                        + requestHead.substring(requestHead.indexOf("\r\n"));
                if (!forward(forwarded, requestBody, toClient)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // one side closed or was cut
        } finally {
            close(client);
        }
    }

    private void pump(Socket from, Socket to, boolean towardsStorage) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer, 0, chunk(towardsStorage))) >= 0) {
                awaitGate();
                long delay = delayMillis;
                if (towardsStorage && delay > 0) {
                    TimeUnit.MILLISECONDS.sleep(delay); // the injected fault: a slow network
                }
                out.write(buffer, 0, read);
                out.flush();
                int rate = answerBytesPerSecond;
                if (!towardsStorage && rate > 0) {
                    TimeUnit.NANOSECONDS.sleep(read * 1_000_000_000L / rate); // the injected fault: a slow link
                }
            }
        } catch (IOException | InterruptedException e) {
            // one side closed or was cut
        } finally {
            close(from);
            close(to);
        }
    }

    /** How much to read at once: a twentieth of a second's worth on a throttled link. */
    private int chunk(boolean towardsStorage) {
        int rate = answerBytesPerSecond;
        return towardsStorage || rate <= 0 ? 16 * 1024 : Math.max(1, Math.min(16 * 1024, rate / 20));
    }

    private void awaitGate() throws InterruptedException {
        synchronized (gate) {
            while (stalled && !closed) {
                gate.wait();
            }
        }
    }

    /**
     * One request to storage and its answer back, when the model lets it go; false when storage hung up. The
     * request counts as in flight until its answer is released, and no longer: once the client has the answer
     * it may send its next request at once, maybe before this thread runs again.
     */
    private boolean forward(String head, byte[] body, OutputStream toClient) throws IOException, InterruptedException {
        String responseHead;
        byte[] responseBody;
        long releaseAt;
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(target);
        try {
            InputStream fromStorage = new BufferedInputStream(target.getInputStream());
            OutputStream toStorage = new BufferedOutputStream(target.getOutputStream());
            toStorage.write(head.getBytes(StandardCharsets.ISO_8859_1));
            toStorage.write(body);
            toStorage.flush();
            responseHead = readHead(fromStorage);
            if (responseHead.isEmpty()) {
                return false;
            }
            responseBody = readBody(fromStorage, responseHead);
            releaseAt = model.releaseAt(responseBody);
            long wait = releaseAt - System.nanoTime();
            if (releaseAt >= 0 && wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // the injected limit: Azure's entity rates and latency
            }
        } finally {
            inFlight.decrementAndGet();
            close(target);
        }
        if (releaseAt < 0) {
            writeServerBusy(toClient, "");
            return true;
        }
        toClient.write(withLength(responseHead, responseBody.length).getBytes(StandardCharsets.ISO_8859_1));
        toClient.write(responseBody);
        toClient.flush();
        return true;
    }

    /** With a model: the most requests that were at storage or held back at once. */
    public int mostRequestsInFlight() {
        return mostInFlight.get();
    }

    /** Reads one request and answers it as Azure does when a partition or account is past its targets. */
    private void answerServerBusy(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        readBody(in, readHead(in));
        OutputStream out = client.getOutputStream();
        busyAnswered.incrementAndGet(); // before the answer: the client may act on it before this thread runs on
        writeServerBusy(out, "Connection: close\r\n");
        close(client);
    }

    /** Azure's answer past its scalability targets: 503 with its error code and body. */
    private static void writeServerBusy(OutputStream out, String headers) throws IOException {
        write(out, 503, JSON_ERROR, SERVER_BUSY_BODY, "x-ms-error-code: ServerBusy\r\n" + headers);
    }

    private static void write(OutputStream out, int status, String type, byte[] body, String headers)
            throws IOException {
        String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Server Busy") + "\r\nContent-Type: " + type
                + "\r\n" + headers + "Content-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** The body of a message whose head was just read: by its length, or its chunks put together. */
    private static byte[] readBody(InputStream in, String head) throws IOException {
        String length = header(head, "content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length));
        }
        if (!"chunked".equalsIgnoreCase(header(head, "transfer-encoding"))) {
            return new byte[0];
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int size;
        while ((size = Integer.parseInt(readLine(in).split(";")[0].strip(), 16)) > 0) {
            body.write(in.readNBytes(size));
            readLine(in);
        }
        while (!readLine(in).isEmpty()) {
            // trailers
        }
        return body.toByteArray();
    }

    /** A response head sent with a Content-Length instead of chunks (the body was put together). */
    private static String withLength(String head, int length) {
        StringBuilder out = new StringBuilder();
        for (String line : head.split("\r\n")) {
            String name = line.toLowerCase(Locale.ROOT);
            if (!name.startsWith("transfer-encoding:") && !name.startsWith("content-length:")) {
                out.append(line).append("\r\n");
            }
        }
        return out.append("Content-Length: ").append(length).append("\r\n\r\n").toString();
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // RST, as a dropped connection
        } catch (IOException e) {
            // closed already
        }
        close(socket);
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closed already
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }
}
