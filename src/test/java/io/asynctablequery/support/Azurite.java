package io.asynctablequery.support;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Azurite (the npm package pinned in package.json) on free loopback ports with in-memory storage,
 * one per test JVM, stopped when the JVM exits. {@link #pause()} freezes the process (SIGSTOP), so storage
 * calls hang as they would against a slow account: that is how tests hold a job Running or Pending.
 */
public final class Azurite {

    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static Azurite shared;

    private final Process process;
    private final int blobPort;
    private final int queuePort;
    private final int tablePort;

    private Azurite(Process process, int blobPort, int queuePort, int tablePort) {
        this.process = process;
        this.blobPort = blobPort;
        this.queuePort = queuePort;
        this.tablePort = tablePort;
    }

    /** The Azurite of this test JVM, started on first use. */
    public static synchronized Azurite shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    static Azurite start() {
        return start(List.of());
    }

    /**
     * An Azurite of its own over HTTPS with {@code certificate}, that takes OAuth bearer tokens
     * ({@code --oauth basic}): a storage account reached by managed identity (SPEC §12). Stopped when the JVM
     * exits.
     */
    public static Azurite securedByTokens(TestCertificate certificate) {
        Azurite azurite = start(List.of("--oauth", "basic", "--cert", certificate.keyStore().toString(),
                "--pwd", certificate.password()));
        Runtime.getRuntime().addShutdownHook(new Thread(azurite::stop));
        return azurite;
    }

    private static Azurite start(List<String> options) {
        Path executable = Path.of("node_modules", ".bin", "azurite");
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("Azurite is not installed: run 'npm ci' in the project root "
                    + "(mvn verify does it when node_modules is missing)");
        }
        int blob = freePort();
        int queue = freePort();
        int table = freePort();
        try {
            File log = Files.createTempFile("azurite", ".log").toFile();
            List<String> command = new ArrayList<>(List.of(executable.toString(), "--inMemoryPersistence",
                    "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent",
                    "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(blob),
                    "--queueHost", "127.0.0.1", "--queuePort", String.valueOf(queue),
                    "--tableHost", "127.0.0.1", "--tablePort", String.valueOf(table)));
            command.addAll(options);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
            Azurite azurite = new Azurite(process, blob, queue, table);
            Wait.until("Azurite listening on " + table + " and " + queue, Duration.ofSeconds(60),
                    () -> !process.isAlive() || (listening(table) && listening(queue)));
            if (!process.isAlive()) {
                throw new IllegalStateException("Azurite exited: " + Files.readString(log.toPath()));
            }
            return azurite;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start Azurite", e);
        }
    }

    public String connectionString() {
        return connectionString(tablePort, queuePort);
    }

    /** The account with its table and queue endpoints on other ports, e.g. a {@link FaultProxy}'s. */
    public String connectionString(int tableEndpointPort, int queueEndpointPort) {
        return connectionString(tableEndpointPort, queueEndpointPort, blobPort);
    }

    /** The account with each endpoint on a port of the caller's choice. */
    public String connectionString(int tableEndpointPort, int queueEndpointPort, int blobEndpointPort) {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                + ";BlobEndpoint=http://127.0.0.1:" + blobEndpointPort + "/" + ACCOUNT
                + ";QueueEndpoint=http://127.0.0.1:" + queueEndpointPort + "/" + ACCOUNT
                + ";TableEndpoint=http://127.0.0.1:" + tableEndpointPort + "/" + ACCOUNT + ";";
    }

    /** A service's endpoint over HTTPS, for an Azurite {@link #securedByTokens}: table, queue or blob. */
    public String httpsEndpoint(String service) {
        int port = switch (service) {
            case "table" -> tablePort;
            case "queue" -> queuePort;
            case "blob" -> blobPort;
            default -> throw new IllegalArgumentException(service);
        };
        return "https://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public int tablePort() {
        return tablePort;
    }

    public int queuePort() {
        return queuePort;
    }

    public int blobPort() {
        return blobPort;
    }

    /** Freezes Azurite until the returned handle is closed: requests to it hang meanwhile. */
    public Paused pause() {
        signal("STOP");
        return () -> signal("CONT");
    }

    /** A frozen Azurite; closing it lets Azurite go on. */
    public interface Paused extends AutoCloseable {
        @Override
        void close();
    }

    private void signal(String name) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + name, String.valueOf(process.pid())));
        process.descendants().forEach(child -> command.add(String.valueOf(child.pid())));
        try {
            int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + name + " failed with " + exit);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills it outright: it keeps nothing (in memory), and its graceful close can hang on a SIGTERM. */
    void stop() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** A port for a service or an instance a test starts (see {@link FreePorts}). */
    public static int freePort() {
        return FreePorts.next();
    }

    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

}
