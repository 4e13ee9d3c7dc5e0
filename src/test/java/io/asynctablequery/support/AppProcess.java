package io.asynctablequery.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One instance of the application as users run it: {@code java -jar target/async-table-query.jar} from the
 * project root, settings as {@code -D} overrides, its log in {@code target/it-logs/<name>.log}.
 */
public final class AppProcess implements AutoCloseable {

    /**
     * Options of every instance's JVM, from the pom's {@code tests.jvm-options}: an instance of a test lives seconds,
     * so the JIT's first tier and one GC thread. The tests check behaviour, not speed; the benchmark runs the JVM's
     * defaults.
     */
    public static final String JVM_OPTIONS = System.getProperty("tests.app-jvm-options", "").strip();
    private static final List<String> TEST_JVM_OPTIONS = JVM_OPTIONS.isEmpty() ? List.of()
            : List.of(JVM_OPTIONS.split(" +"));

    private final String name;
    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path log;
    public final ApiClient api;

    private AppProcess(String name, Process process, int port, int managementPort, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
        this.api = new ApiClient(() -> "http://localhost:" + port);
    }

    /** Starts an instance and waits until it answers HTTP. */
    public static AppProcess start(String name, Map<String, String> settings) {
        return start(name, settings, Map.of(), List.of());
    }

    /**
     * As above, with variables in its environment (e.g. a managed identity endpoint's) and options for its JVM
     * (e.g. a trust store).
     */
    public static AppProcess start(String name, Map<String, String> settings, Map<String, String> environment,
                                   List<String> jvmOptions) {
        return awaitAnswering(launch(name, settings, environment, jvmOptions));
    }

    private static AppProcess awaitAnswering(AppProcess app) {
        String name = app.name;
        Wait.until(name + " answering on port " + app.port, Duration.ofSeconds(90),
                () -> !app.process.isAlive() || Azurite.listening(app.port));
        if (!app.process.isAlive()) {
            throw new AssertionError(name + " exited with " + app.process.exitValue() + ":\n" + app.log());
        }
        // The port listens before the routes are on it (Vert.x answers 404 meanwhile): wait for the API.
        Wait.until(name + " routes answering", Duration.ofSeconds(60),
                () -> ApiClient.onItsOwnConnection(app.api.base() + "/api/status?top=1") != 404);
        return app;
    }

    /** Starts an instance without waiting for it, e.g. to see it refuse a configuration. */
    public static AppProcess launch(String name, Map<String, String> settings) {
        return launch(name, settings, Map.of(), List.of());
    }

    public static AppProcess launch(String name, Map<String, String> settings, Map<String, String> environment,
                                    List<String> jvmOptions) {
        int port = Azurite.freePort();
        int managementPort = Azurite.freePort();
        List<String> options = new ArrayList<>(List.of("-Dcamel.server.port=" + port,
                "-Dcamel.management.port=" + managementPort));
        options.addAll(jvmOptions);
        settings.forEach((key, value) -> options.add("-D" + key + "=" + value));
        return launch(name, options, environment, port, managementPort);
    }

    /**
     * Starts an instance configured by environment variables alone, as a container is: its ports too
     * ({@code CAMEL_SERVER_PORT}, {@code CAMEL_MANAGEMENT_PORT}), and no {@code -D} option.
     */
    public static AppProcess startConfiguredByEnvironment(String name, Map<String, String> environment) {
        int port = Azurite.freePort();
        int managementPort = Azurite.freePort();
        Map<String, String> all = new HashMap<>(environment);
        all.put("CAMEL_SERVER_PORT", String.valueOf(port));
        all.put("CAMEL_MANAGEMENT_PORT", String.valueOf(managementPort));
        return awaitAnswering(launch(name, List.of(), all, port, managementPort));
    }

    /**
     * Starts an instance with the project's run script, as a developer does, e.g. {@code ./run.sh --dev}: the
     * arguments, then its ports as {@code -D} options (which the script passes on to java). With
     * {@code AZURE_STORAGE_CONNECTION_STRING} in the environment the script starts no Azurite of its own, and java
     * replaces it (so that SIGTERM reaches the instance).
     */
    public static AppProcess startRunScript(String name, List<String> arguments, Map<String, String> environment) {
        int port = Azurite.freePort();
        int managementPort = Azurite.freePort();
        List<String> command = new ArrayList<>(List.of("./run.sh"));
        command.addAll(arguments);
        command.addAll(List.of("-Xmx512m", "-Dcamel.server.port=" + port, "-Dcamel.management.port=" + managementPort));
        return awaitAnswering(start(name, command, environment, port, managementPort));
    }

    private static AppProcess launch(String name, List<String> jvmOptions, Map<String, String> environment, int port,
                                     int managementPort) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m"));
        command.addAll(TEST_JVM_OPTIONS);
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", "target/async-table-query.jar"));
        return start(name, command, environment, port, managementPort);
    }

    private static AppProcess start(String name, List<String> command, Map<String, String> environment, int port,
                                    int managementPort) {
        try {
            Path logs = Files.createDirectories(Path.of("target", "it-logs"));
            Path log = logs.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            return new AppProcess(name, process, port, managementPort, log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Its process id: the end of the instance name its job histories and log lines give ({@code host-<pid>}). */
    public long pid() {
        return process.pid();
    }

    /** Where its health and metrics are served. */
    public String managementBase() {
        return "http://localhost:" + managementPort;
    }

    /** The whole log so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Waits for the process to exit by itself; returns its exit code. */
    public int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + deadline);
        }
        return process.exitValue();
    }

    /** SIGTERM, as a rolling deployment stops an instance; returns without waiting for the exit. */
    public void terminate() {
        process.destroy();
    }

    /** kill -9: the instance dies at once, holding whatever it holds. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString() + (File.separatorChar == '\\'
                ? ".exe" : "");
    }

    /** Settings shared by the instances of one test: one Azurite, queue and job table of their own. */
    public static Map<String, String> distributed(Azurite azurite, String suffix) {
        return Map.of(
                "azure.storage.connection-string", azurite.connectionString(),
                "jobs.dispatch", "azure-storage-queue",
                "jobs.store", "table",
                "jobs.queue-name", "jobs-" + suffix,
                "jobs.table-name", "jobs" + suffix,
                "audit.table-name", "audit" + suffix,
                "api.retry-after", "1");
    }
}
