package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.Needs;
import io.asynctablequery.support.Tool;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.FaultProxy;
import io.asynctablequery.support.Podman;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The image as users run it (SPEC §13): built from the {@code Dockerfile} on a base image of Debian's JRE,
 * run with podman read-only and as its own user, configured by environment variables alone, against the
 * test's Azurite on the host's network. Needs podman, runc and mmdebstrap ({@code .ci/run} installs them);
 * where they are missing the class is reported skipped with that reason (a failure under tests.require-tools).
 */
@Execution(ExecutionMode.CONCURRENT) // its tests share nothing: each has its own instances, tables and queue
@Needs(Tool.PODMAN)
class ContainerIT {

    private static final String GRACE = "PT20S";
    private final Azurite azurite = Azurite.shared();
    private final String suffix = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final List<String> containers = new ArrayList<>();
    private final FaultProxy tableLink = FaultProxy.to(azurite.tablePort());

    @BeforeAll
    static void buildTheImage() {
        Podman.buildImage();
    }

    @AfterEach
    void removeContainers() {
        containers.forEach(Podman::remove);
        tableLink.close();
    }

    @Test
    void theImageAnswersTheDemoQueryReadOnlyAsItsOwnUser() {
        long started = System.nanoTime();
        ApiClient api = start("demo", Map.of("AUDIT_DEMO_DATA", "true", "AUDIT_TABLE_NAME", "demo" + suffix));
        System.out.printf("image %d MB; ready %.1f s after podman run%n", Podman.imageSize() / 1_000_000,
                (System.nanoTime() - started) / 1e9);

        Matcher expected = Pattern.compile("It answers \"result\": (\\d+)").matcher(log("demo"));
        assertTrue(expected.find(), "the demo data's expected answer in the log");
        JsonNode answer = api.get("/api/submit/query?s=01/01/2024&e=31/01/2024&wait=30").json();
        assertEquals("Completed", answer.get("runtimeStatus").asText(), answer.toString());
        assertEquals(Long.parseLong(expected.group(1)), answer.get("result").asLong());

        assertEquals("10001", Podman.exec(name("demo"), "id", "-u").output().strip());
        assertNotEquals(0, Podman.exec(name("demo"), "touch", "/app/written").exit(), "the image is writable");
        assertEquals(0, Podman.exec(name("demo"), "touch", "/tmp/written").exit(), "/tmp is not writable");
    }

    @Test
    void containersComingAndGoingInQueueModeRunEveryJobToItsExactCount() throws Exception {
        AuditRows rows = new AuditRows();
        for (int year = 2016; year <= 2023; year++) {
            for (int i = 0; i < 12; i++) {
                rows.add(LocalDate.of(year, i + 1, 1 + (year + i) % 28).toString(), i % 4 == 0 ? "" : "C",
                        "ID" + (year * 7 + i) % 97);
            }
        }
        rows.insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(),
                "audit" + suffix);
        Map<String, String> queueMode = Map.of("JOBS_DISPATCH", "azure-storage-queue", "JOBS_STORE", "table",
                "JOBS_QUEUE_NAME", "jobs-" + suffix, "JOBS_TABLE_NAME", "jobs" + suffix,
                "AUDIT_TABLE_NAME", "audit" + suffix, "JOBS_WORKERS", "2", "JOBS_SHUTDOWN_GRACE", GRACE,
                "JOBS_QUEUE_VISIBILITY_TIMEOUT", "PT10S",
                // one query per day, one at a time: a job of a year or two runs for seconds
                "AUDIT_SCAN_SLICE_DAYS", "1", "AUDIT_SCAN_PARALLELISM", "1");
        // The containers reach their tables over a slow link (each request held back 10 ms): the 30 jobs outlast
        // the start of a fourth container, so that the two stopped ones are stopped mid-run.
        tableLink.delay(10);
        ApiClient first = start("q1", queueMode);
        start("q2", queueMode);
        start("q3", queueMode);

        Map<String, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            LocalDate start = LocalDate.of(2016, 1, 1).plusDays(37L * i);
            LocalDate end = start.plusDays(200 + 5L * i); // at most audit.max-range-days (366)
            String id = first.submit(dayFirst(start), dayFirst(end));
            expected.put(id, rows.expectedCount(start.toString(), end.toString()));
        }
        Wait.until("jobs running", Duration.ofSeconds(60),
                () -> first.get("/api/status?runtimeStatus=Running").json().size() >= 2);

        ApiClient added = start("q4", queueMode);
        assertTrue(first.get("/api/status?runtimeStatus=Pending").json().size() > 0,
                "jobs still wait in the queue, so every worker (those of q1 and q2 too) is running one");
        long stoppedAt = System.nanoTime();
        Podman.terminate(name("q1"));
        Podman.terminate(name("q2"));
        long limit = Duration.parse(GRACE).plusSeconds(10).toNanos();
        for (String stopped : List.of("q1", "q2")) {
            Wait.until(stopped + " exited", Duration.ofNanos(limit), () -> !Podman.running(name(stopped)));
        }
        System.out.printf("two containers stopped with SIGTERM mid-run exited %.1f s later (limit: grace %s + 10 s)%n",
                (System.nanoTime() - stoppedAt) / 1e9, GRACE);

        for (Map.Entry<String, Long> job : expected.entrySet()) {
            JsonNode done = added.awaitFinished(job.getKey(), Duration.ofSeconds(180));
            assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
            assertEquals(job.getValue(), done.get("result").asLong(), "the count of " + job.getKey());
        }
    }

    /** Starts a container with its own ports and the shared Azurite; returns a client of its API once ready. */
    private ApiClient start(String name, Map<String, String> settings) {
        int port = Azurite.freePort();
        int managementPort = Azurite.freePort();
        Map<String, String> environment = new HashMap<>(settings);
        environment.put("AZURE_STORAGE_CONNECTION_STRING",
                azurite.connectionString(tableLink.port(), azurite.queuePort()));
        environment.put("CAMEL_SERVER_PORT", String.valueOf(port));
        environment.put("CAMEL_MANAGEMENT_PORT", String.valueOf(managementPort));
        if (!AppProcess.JVM_OPTIONS.isEmpty()) {
            environment.put("JAVA_TOOL_OPTIONS", AppProcess.JVM_OPTIONS); // as every instance of a test runs
        }
        containers.add(name(name));
        Podman.start(name(name), environment, "--read-only", "--memory", "768m");
        ApiClient management = new ApiClient(() -> "http://127.0.0.1:" + managementPort);
        Wait.until(name + " ready", Duration.ofSeconds(120), () -> {
            if (!Podman.running(name(name))) {
                throw new AssertionError(name + " stopped:\n" + log(name));
            }
            return Azurite.listening(managementPort)
                    && ApiClient.onItsOwnConnection(management.base() + "/observe/health/ready") == 200;
        });
        return new ApiClient(() -> "http://127.0.0.1:" + port);
    }

    private String name(String container) {
        return suffix + "-" + container;
    }

    private String log(String container) {
        return Podman.logs(name(container));
    }

    private static String dayFirst(LocalDate day) {
        return String.format("%02d/%02d/%d", day.getDayOfMonth(), day.getMonthValue(), day.getYear());
    }
}
