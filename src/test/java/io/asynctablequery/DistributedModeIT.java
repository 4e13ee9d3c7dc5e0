package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.jobs.Job;
import io.asynctablequery.query.DayRange;
import io.asynctablequery.jobs.JobRequest;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.jobs.TableJobRepository;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.FaultProxy;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Wait;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Distributed mode with real instances ({@code java -jar}) sharing one Azurite: the job queue is an Azure
 * Storage Queue, the jobs live in an Azure table. A job that must run long scans a range of many empty
 * days one query per day, one at a time ({@code audit.scan-slice-days=1}, {@code audit.scan-parallelism=1}):
 * 200 years are some 73,000 storage calls, over a minute, so a test that sees it stop within its
 * deadline sees a stop, not an end.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests share nothing: each has its own instances, tables and queue
class DistributedModeIT {

    private static final String LONG_START = "01/01/1900";
    private static final String LONG_END = "31/12/2099";
    /** How long a year's scan, one query a day, may take on a busy machine with other tests beside it. */
    private static final Duration SCAN_DEADLINE = Duration.ofSeconds(90);
    private final Azurite azurite = Azurite.shared();
    private final String suffix = "x" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final Map<String, String> shared = AppProcess.distributed(azurite, suffix);
    private final List<AppProcess> instances = new ArrayList<>();
    private final FaultProxy doomedTableLink = FaultProxy.to(azurite.tablePort());

    @AfterEach
    void stopInstances() throws InterruptedException {
        for (AppProcess instance : instances) {
            instance.close();
        }
        doomedTableLink.close();
    }

    private AppProcess start(String name, String... settings) {
        return start(name, Map.of(), settings);
    }

    private AppProcess start(String name, Map<String, String> links, String... settings) {
        Map<String, String> all = new HashMap<>(shared);
        all.putAll(links);
        all.put("audit.max-range-days", "73100");
        all.put("audit.scan-slice-days", "1"); // one query per day: long ranges make long jobs
        for (int i = 0; i < settings.length; i += 2) {
            all.put(settings[i], settings[i + 1]);
        }
        AppProcess instance = AppProcess.start(suffix + "-" + name, all);
        instances.add(instance);
        return instance;
    }

    private AuditRows seedYears(int firstYear, int lastYear) {
        AuditRows rows = new AuditRows();
        for (int year = firstYear; year <= lastYear; year++) {
            for (int i = 0; i < 12; i++) {
                LocalDate day = LocalDate.of(year, i + 1, 1 + (year * 7 + i) % 28);
                rows.add(day.toString(), i % 5 == 0 ? "" : "C", "ID" + (year * 13 + i * 7) % 151);
            }
        }
        TableServiceClient service = new TableServiceClientBuilder().connectionString(azurite.connectionString())
                .buildClient();
        rows.insertInto(service, "audit" + suffix);
        return rows;
    }

    @Test
    void aJobSubmittedOnOneInstanceIsAnsweredListedAndReadOnAnother() {
        AuditRows rows = seedYears(2020, 2021);
        AppProcess a = start("a", "jobs.workers", "2");
        AppProcess b = start("b", "jobs.workers", "2");

        String id = a.api.submit("01/01/2020", "31/12/2020");

        JsonNode done = b.api.awaitFinished(id, SCAN_DEADLINE);
        assertEquals("Completed", done.get("runtimeStatus").asText());
        assertEquals(rows.expectedCount("2020-01-01", "2020-12-31"), done.get("result").asLong());
        JsonNode operation = b.api.get("/api/operations/" + id).json();
        assertEquals("Succeeded", operation.get("status").asText());
        assertEquals(done.get("result").asLong(), b.api.get(operation.get("resourceLocation").asText()).json()
                .get("result").asLong());
        assertTrue(b.api.get("/api/status").body().contains(id), "B lists A's job");
        assertEquals(done.get("lastUpdatedTime"), a.api.get("/api/status/" + id).json().get("lastUpdatedTime"));
    }

    @Test
    void aTerminateOnOneInstanceStopsTheJobAnotherIsRunning() {
        seedYears(2021, 2021);
        AppProcess worker = start("worker", "jobs.workers", "1", "audit.scan-parallelism", "1");
        AppProcess apiOnly = start("api", "jobs.workers", "0");
        String longJob = apiOnly.api.submit(LONG_START, LONG_END);
        apiOnly.api.awaitStatus(longJob, "Running");

        HttpResult terminated = apiOnly.api.post("/api/status/" + longJob + "/terminate?reason=enough", null);

        assertEquals(202, terminated.status());
        // The worker's only slot is free again long before the 200-year scan could have ended.
        String next = apiOnly.api.submit("01/01/2021", "02/01/2021");
        assertEquals("Completed", apiOnly.api.awaitFinished(next, Duration.ofSeconds(20)).get("status").asText());
        JsonNode stopped = worker.api.get("/api/status/" + longJob).json();
        assertEquals("Terminated", stopped.get("status").asText());
        assertEquals("enough", stopped.get("output").asText());
        assertTrue(stopped.get("result").isNull());
    }

    @Test
    void killingAnInstanceMidJobLosesNoJobAndRunsEachToOneAnswer() throws Exception {
        AuditRows rows = seedYears(2000, 2013);
        String[] ranges = {"01/01/2000", "31/12/2003", "01/03/2004", "31/12/2007", "01/06/2008", "30/06/2012",
            "01/01/2010", "31/12/2013"};
        String[] visibility = {"jobs.queue-visibility-timeout", "PT3S", "audit.scan-parallelism", "1"};
        // The doomed instance reaches its tables over a slow link (every request held back 50 ms): its jobs,
        // some 1,500 queries each, one at a time, are surely still running when it is killed, on any machine.
        // The survivor reaches storage directly and runs each in seconds.
        Map<String, String> slowLink = Map.of("azure.storage.connection-string",
                azurite.connectionString(doomedTableLink.port(), azurite.queuePort()));
        doomedTableLink.delay(50);
        AppProcess doomed = start("doomed", slowLink, concat(visibility, "jobs.workers", "2"));
        Map<String, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < ranges.length; i += 2) {
            String id = doomed.api.submit(ranges[i], ranges[i + 1]);
            expected.put(id, rows.expectedCount(iso(ranges[i]), iso(ranges[i + 1])));
        }
        Wait.until("the doomed instance running 2 jobs", Duration.ofSeconds(30),
                () -> doomed.api.get("/api/status?runtimeStatus=Running").json().size() == 2);
        List<String> onDoomed = new ArrayList<>();
        doomed.api.get("/api/status?runtimeStatus=Running").json()
                .forEach(job -> onDoomed.add(job.get("instanceId").asText()));
        AppProcess survivor = start("survivor", concat(visibility, "jobs.workers", "4"));
        int inFlightOnDoomed = onDoomed.size(); // its two workers hold two jobs; the other two wait in the queue
        for (String id : onDoomed) {
            assertEquals("Running", survivor.api.get("/api/status/" + id).json().get("runtimeStatus").asText(),
                    "the doomed instance's job " + id + " still running when it is killed");
        }

        long killedAt = System.nanoTime();
        doomed.kill();

        Map<String, String> completedAt = new HashMap<>();
        for (Map.Entry<String, Long> job : expected.entrySet()) {
            JsonNode done = survivor.api.awaitFinished(job.getKey(), Duration.ofSeconds(120));
            assertEquals("Completed", done.get("status").asText(), done.toString());
            assertEquals(job.getValue(), done.get("result").asLong(), "the count of " + job.getKey());
            completedAt.put(job.getKey(), done.get("lastUpdatedTime").asText());
        }
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        System.out.printf("kill -9 with %d jobs running on the killed instance, %d submitted: all Completed "
                + "%.1f s after the kill (visibility timeout 3 s)%n", inFlightOnDoomed, expected.size(), seconds);
        QueueClient queue = new QueueClientBuilder().connectionString(azurite.connectionString())
                .queueName("jobs-" + suffix).buildClient();
        Wait.until("the job queue empty", Duration.ofSeconds(30),
                () -> queue.getProperties().getApproximateMessagesCount() == 0);
        for (Map.Entry<String, String> job : completedAt.entrySet()) {
            assertEquals(job.getValue(), survivor.api.get("/api/status/" + job.getKey()).json()
                    .get("lastUpdatedTime").asText(), "completed once: no later terminal write");
        }
    }

    @Test
    void aJobThatAlwaysFailsItsWorkerEndsPoisonedWithItsMessageInThePoisonQueue() {
        TableServiceClient tables = new TableServiceClientBuilder().connectionString(azurite.connectionString())
                .buildClient();
        tables.createTableIfNotExists("jobs" + suffix); // as an instance's start-up does
        JobStore store = new JobStore(new DefaultCamelContext(), new TableJobRepository(tables, "jobs" + suffix, Duration.ofSeconds(5)),
                10, Duration.ofHours(1), Clock.systemUTC());
        Job job = store.submit(new JobRequest(new DayRange(LocalDate.of(2021, 3, 1), LocalDate.of(2021, 3, 2)),
                false, null, null, null, null)).orElseThrow().job();
        QueueClient queue = new QueueClientBuilder().connectionString(azurite.connectionString())
                .queueName("jobs-" + suffix).buildClient();
        queue.createIfNotExists();
        String broken = "{\"id\":\"" + job.id() + "\",\"start\":\"2021-02-30\",\"end\":\"2021-03-02\"}";
        queue.sendMessage(broken); // a message its worker cannot run, on every delivery

        AppProcess instance = start("poison", "jobs.workers", "1", "jobs.queue-visibility-timeout", "PT1S",
                "jobs.max-dequeue-count", "2");

        JsonNode failed = instance.api.awaitFinished(job.id(), Duration.ofSeconds(60));
        assertEquals("Failed", failed.get("status").asText());
        assertEquals("PoisonMessage", failed.get("error").get("code").asText());
        assertTrue(failed.get("error").get("message").asText().contains("jobs-" + suffix + "-poison"));
        QueueClient poison = new QueueClientBuilder().connectionString(azurite.connectionString())
                .queueName("jobs-" + suffix + "-poison").buildClient();
        Wait.until("the message in the poison queue", Duration.ofSeconds(10), () -> poison.peekMessage() != null);
        assertEquals(broken, poison.peekMessage().getBody().toString());
        Wait.until("the job queue empty", Duration.ofSeconds(10),
                () -> queue.getProperties().getApproximateMessagesCount() == 0);
    }

    @Test
    void everyJobAndResultSurvivesARestartOfEveryInstance() throws Exception {
        AuditRows rows = seedYears(2019, 2020);
        AppProcess a = start("first-a");
        AppProcess b = start("first-b");
        List<String> ids = List.of(a.api.submit("01/01/2019", "31/12/2019"), b.api.submit("01/01/2020",
                "31/12/2020"), a.api.submit("01/06/2019", "30/06/2020"));
        ids.forEach(id -> a.api.awaitFinished(id, SCAN_DEADLINE));
        a.close();
        b.close();

        AppProcess again = start("again");

        assertEquals(rows.expectedCount("2019-01-01", "2019-12-31"), again.api.get("/api/results/" + ids.get(0))
                .json().get("result").asLong());
        assertEquals(rows.expectedCount("2020-01-01", "2020-12-31"), again.api.get("/api/results/" + ids.get(1))
                .json().get("result").asLong());
        assertEquals(rows.expectedCount("2019-06-01", "2020-06-30"), again.api.get("/api/status/" + ids.get(2))
                .json().get("result").asLong());
        assertEquals(3, again.api.jobCount());
    }

    @Test
    void oneInstanceWithTheTableStoreRunsItsUnfinishedJobsAgainAfterARestart() throws Exception {
        AuditRows rows = seedYears(2000, 2009);
        String[] sedaTable = {"jobs.dispatch", "seda", "jobs.store", "table", "audit.scan-parallelism", "1",
            "jobs.workers", "1"};
        AppProcess first = start("seda-first", sedaTable);
        String finished = first.api.submit("01/01/2000", "31/12/2000");
        first.api.awaitFinished(finished, SCAN_DEADLINE);
        String interrupted = first.api.submit("01/01/2000", "31/12/2009");
        first.api.awaitStatus(interrupted, "Running");

        first.kill();
        AppProcess second = start("seda-second", sedaTable);

        JsonNode resumed = second.api.awaitFinished(interrupted, SCAN_DEADLINE.multipliedBy(2));
        assertEquals("Completed", resumed.get("status").asText());
        assertEquals(rows.expectedCount("2000-01-01", "2009-12-31"), resumed.get("result").asLong());
        assertEquals(rows.expectedCount("2000-01-01", "2000-12-31"), second.api.get("/api/status/" + finished)
                .json().get("result").asLong());
    }

    @Test
    void queueDispatchWithTheMemoryStoreIsRefusedAtStartUp() throws Exception {
        Map<String, String> settings = new HashMap<>(shared);
        settings.put("jobs.store", "memory");
        AppProcess refused = AppProcess.launch(suffix + "-refused", settings);

        assertNotEquals(0, refused.awaitExit(Duration.ofSeconds(60)));
        assertTrue(refused.log().contains("jobs.dispatch=azure-storage-queue needs jobs.store=table"),
                refused.log());
    }

    private static String iso(String dayFirst) {
        String[] parts = dayFirst.split("/");
        return parts[2] + "-" + parts[1] + "-" + parts[0];
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
