package io.asynctablequery.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy between the application and Azurite that injects storage faults on command:
 * {@link #refuse()} (connections cut, new ones refused), {@link #cut()} (open connections reset),
 * {@link #stall()} (nothing forwarded until {@link #pass()}), {@link #delay} (each chunk towards storage
 * held back), and {@link #serverBusy} (the next requests answered {@code 503 ServerBusy} with Azure's
 * error body, as Azure does past its scalability targets). One thread per connection direction: a test tool.
 */
public final class FaultProxy implements AutoCloseable {

    private final int port;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final AtomicInteger busyAnswersLeft = new AtomicInteger();
    private final AtomicInteger busyAnswered = new AtomicInteger();
    private volatile ServerSocket server;
    private volatile boolean stalled;
    private volatile long delayMillis;
    private volatile boolean closed;

    private FaultProxy(int port, int targetPort) {
        this.port = port;
        this.targetPort = targetPort;
    }

    /** A proxy on a free loopback port to {@code targetPort}, passing everything. */
    public static FaultProxy to(int targetPort) {
        FaultProxy proxy = new FaultProxy(Azurite.freePort(), targetPort);
        proxy.listen();
        return proxy;
    }

    public int port() {
        return port;
    }

    /** Back to normal: listening, forwarding, no delay; stalled data goes on. */
    public synchronized void pass() {
        delayMillis = 0;
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

    /** Holds back every chunk sent towards storage by this long: a slow network. */
    public void delay(long millis) {
        delayMillis = millis;
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
            Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            open.add(target);
            daemon("fault-proxy-to-storage", () -> pump(client, target, true));
            pump(target, client, false);
        } catch (IOException e) {
            close(client);
        }
    }

    private void pump(Socket from, Socket to, boolean towardsStorage) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                awaitGate();
                long delay = delayMillis;
                if (towardsStorage && delay > 0) {
                    TimeUnit.MILLISECONDS.sleep(delay); // the injected fault: a slow network
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed or was cut
        } finally {
            close(from);
            close(to);
        }
    }

    private void awaitGate() throws InterruptedException {
        synchronized (gate) {
            while (stalled && !closed) {
                gate.wait();
            }
        }
    }

    /** Reads one request and answers it as Azure does when a partition or account is past its targets. */
    private void answerServerBusy(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        String head = readHead(in);
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).strip()));
            }
        }
        String body = "{\"odata.error\":{\"code\":\"ServerBusy\",\"message\":{\"lang\":\"en-US\","
                + "\"value\":\"The server is busy.\"}}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String response = "HTTP/1.1 503 Server Busy\r\n"
                + "Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n"
                + "x-ms-error-code: ServerBusy\r\n"
                + "Content-Length: " + bytes.length + "\r\n"
                + "Connection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(response.getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        busyAnswered.incrementAndGet();
        close(client);
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
