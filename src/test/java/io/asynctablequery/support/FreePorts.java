package io.asynctablequery.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for the services and instances a test starts. The OS's "any free port" (bind to 0) hands the same port
 * to two callers that ask before either binds it, and tests start instances in three JVMs at once, several per
 * JVM: an instance's management server then lost its port to another instance's API, and a readiness check read
 * the other instance (seen once under load). So each test JVM takes ports from a block of its own (by its fork
 * number, {@code tests.fork-number}), below the range the OS gives to outgoing connections, never the same port
 * twice, and only one that is free when it is taken.
 */
public final class FreePorts {

    private static final int FIRST = 20000;
    private static final int BLOCK = 3000;
    private static final int FORK = Math.max(1, Integer.getInteger("tests.fork-number", 1));
    private static final int START = FIRST + BLOCK * ((FORK - 1) % 4);
    private static final AtomicInteger NEXT = new AtomicInteger();

    private FreePorts() {
    }

    /** A port of this JVM's block that no one listens on now and that this JVM has not handed out before. */
    public static int next() {
        for (int tried = 0; tried < BLOCK; tried++) {
            int port = START + NEXT.getAndIncrement() % BLOCK;
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free port in " + START + "-" + (START + BLOCK - 1));
    }

    /** Nothing listens on it, on any address or on loopback (where the tests' services listen). */
    private static boolean free(int port) {
        return bindable(new InetSocketAddress(port))
                && bindable(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    private static boolean bindable(InetSocketAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(address, 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
