package io.asynctablequery.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Clients that never finish a request (slowloris): each opens a connection, sends the start of a request head and
 * then one more byte every {@code every} millis, never the blank line that ends the head. One thread serves all of
 * them over non-blocking sockets and notes when the server closed each and what it answered before.
 */
public final class DribblingClients implements AutoCloseable {

    /** One connection: when it was opened, when the server closed it (0 while open), what the server sent. */
    public static final class Connection {
        final SocketChannel channel;
        public final long openedNanos;
        volatile long closedNanos;
        final StringBuilder received = new StringBuilder();

        /** @param openedNanos taken before the connect: the server's deadline starts later, never earlier */
        Connection(SocketChannel channel, long openedNanos) {
            this.channel = channel;
            this.openedNanos = openedNanos;
        }

        public boolean closed() {
            return closedNanos != 0;
        }

        /** Millis from opening to the server's close. */
        public long openMillis() {
            return TimeUnit.NANOSECONDS.toMillis(closedNanos - openedNanos);
        }

        public synchronized String received() {
            return received.toString();
        }
    }

    private final List<Connection> connections = new ArrayList<>();
    private final Selector selector;
    private final Thread loop;
    private final long everyNanos;
    private volatile boolean running = true;
    private final ConcurrentHashMap<Connection, Boolean> open = new ConcurrentHashMap<>();

    private DribblingClients(long everyMillis) throws IOException {
        this.selector = Selector.open();
        this.everyNanos = TimeUnit.MILLISECONDS.toNanos(everyMillis);
        this.loop = new Thread(this::run, "dribbling-clients");
        this.loop.setDaemon(true);
    }

    /** {@code count} connections to 127.0.0.1:{@code port}, each sending {@code headStart} and then a byte every {@code everyMillis}. */
    public static DribblingClients open(int port, int count, String headStart, long everyMillis) throws IOException {
        DribblingClients clients = new DribblingClients(everyMillis);
        ByteBuffer start = ByteBuffer.wrap(headStart.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < count; i++) {
            long opening = System.nanoTime();
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.write(start.duplicate());
            channel.configureBlocking(false);
            Connection connection = new Connection(channel, opening);
            channel.register(clients.selector, SelectionKey.OP_READ, connection);
            clients.connections.add(connection);
            clients.open.put(connection, true);
        }
        clients.loop.start();
        return clients;
    }

    public List<Connection> connections() {
        return connections;
    }

    public int stillOpen() {
        return open.size();
    }

    private void run() {
        ByteBuffer in = ByteBuffer.allocate(4096);
        ByteBuffer oneByte = ByteBuffer.wrap(new byte[] {'a'});
        long nextDribble = System.nanoTime() + everyNanos;
        while (running && !open.isEmpty()) {
            try {
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextDribble - System.nanoTime())));
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection connection = (Connection) key.attachment();
                    in.clear();
                    int read;
                    try {
                        read = connection.channel.read(in);
                    } catch (IOException e) {
                        read = -1; // reset by the server
                    }
                    if (read < 0) {
                        closed(connection, key);
                    } else {
                        synchronized (connection) {
                            connection.received.append(new String(in.array(), 0, read, StandardCharsets.US_ASCII));
                        }
                    }
                }
                selector.selectedKeys().clear();
                if (System.nanoTime() >= nextDribble) {
                    for (Connection connection : open.keySet()) {
                        try {
                            connection.channel.write(oneByte.duplicate());
                        } catch (IOException e) {
                            closed(connection, connection.channel.keyFor(selector));
                        }
                    }
                    nextDribble = System.nanoTime() + everyNanos;
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void closed(Connection connection, SelectionKey key) {
        if (connection.closedNanos == 0) {
            connection.closedNanos = System.nanoTime();
        }
        open.remove(connection);
        if (key != null) {
            key.cancel();
        }
        try {
            connection.channel.close();
        } catch (IOException e) {
            // closed already
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection connection : connections) {
            connection.channel.close();
        }
        selector.close();
    }
}
