import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.FaultProxy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak of SPEC §14 (bench/soak.sh runs it): three instances in queue mode, their storage (tables and
 * queues) behind fault proxies; for the given minutes a steady stream of submits over mixed ranges, some
 * terminated, while instances are killed (kill -9), stopped (SIGTERM) and started again and storage is cut for
 * 5-10 s. Then it lets everything settle and checks: every job finished; every Completed job has the exact
 * count (computed from the rows it seeded); every Failed job names a cause the faults explain; one finishing
 * line per job in the state logs; the job queue and its poison queue empty. Prints the figures; exits 1 when
 * an invariant fails. Loopback only; it stops by itself.
 */
public class Soak {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final LocalDate FIRST = LocalDate.of(2023, 1, 1);
    private static final int DAYS = 730;
    private static final int[] RANGES = {2, 7, 31, 92, 366}; // days; a range must span a day at least
    private static final Pattern FINISHING = Pattern.compile(
            "Job ([0-9a-f-]{36}) (Completed|Failed|Terminated), owner");
    private static final int MAX_DEQUEUE_COUNT = 5;
    private static final int GRACE_SECONDS = 20; // jobs.shutdown-grace, the default

    private final String suffix = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final Azurite azurite = Azurite.shared();
    private final FaultProxy tableLink = FaultProxy.to(azurite.tablePort());
    private final FaultProxy queueLink = FaultProxy.to(azurite.queuePort());
    private final AuditRows rows = new AuditRows();
    private final List<AppProcess> live = new CopyOnWriteArrayList<>();
    private final List<String> logs = new CopyOnWriteArrayList<>();
    private final Map<String, Instant> submitted = new ConcurrentHashMap<>();
    private final Set<String> terminateAsked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger started = new AtomicInteger();
    private final List<Long> stopSeconds = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> faults = new TreeMap<>();
    private final Map<String, AtomicInteger> refusedSubmits = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        boolean passed;
        Soak soak = new Soak();
        try {
            passed = soak.run(Duration.ofMillis((long) (minutes * 60_000)));
        } finally {
            soak.close();
        }
        System.exit(passed ? 0 : 1);
    }

    boolean run(Duration length) throws Exception {
        seed();
        for (int i = 0; i < 3; i++) {
            startInstance();
        }
        long end = System.nanoTime() + length.toNanos();
        Thread chaos = daemon(() -> chaos(end));
        Thread terminations = daemon(() -> terminations(end));
        long next = System.nanoTime();
        while (System.nanoTime() < end) {
            submit();
            next += TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(400, 1200));
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
        }
        chaos.join();
        terminations.join();
        tableLink.pass();
        queueLink.pass();
        while (live.size() < 3) {
            startInstance();
        }
        return check();
    }

    private void seed() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int d = 0; d < DAYS; d++) {
            String day = FIRST.plusDays(d).toString();
            for (int i = 0; i < 40; i++) {
                rows.add(day, random.nextInt(12) == 0 ? "" : "C", random.nextInt(40) == 0 ? null
                        : "ID" + random.nextInt(20_000));
            }
        }
        rows.insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(),
                "audit" + suffix);
        System.out.printf("seeded %d rows over %d days%n", rows.rows().size(), DAYS);
    }

    private void startInstance() {
        Map<String, String> settings = new HashMap<>(AppProcess.distributed(azurite, suffix));
        settings.put("azure.storage.connection-string", azurite.connectionString(tableLink.port(), queueLink.port()));
        settings.put("jobs.workers", "2");
        settings.put("audit.scan-slice-days", "1"); // jobs of a few seconds, so that faults meet running jobs
        settings.put("audit.scan-parallelism", "2");
        settings.put("api.storage-timeout", "PT2S");
        String name = suffix + "-soak-" + started.incrementAndGet();
        while (true) {
            try {
                live.add(AppProcess.start(name, settings));
                logs.add(name);
                return;
            } catch (RuntimeException | AssertionError e) { // storage cut as it started: start it again
                System.out.println("start of " + name + " failed: " + e.getMessage().lines().findFirst().orElse(""));
                logs.add(name);
                name = suffix + "-soak-" + started.incrementAndGet();
            }
        }
    }

    /** One submit over a random range to a random live instance; a refused one (503, no answer) is not a job. */
    private void submit() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int length = RANGES[random.nextInt(RANGES.length)];
        LocalDate start = FIRST.plusDays(random.nextInt(DAYS - length + 1));
        LocalDate endDay = start.plusDays(length - 1);
        try {
            HttpResponse<String> answer = send("GET", any() + "/api/submit/query?s=" + start + "&e=" + endDay);
            if (answer.statusCode() == 202) {
                submitted.put(JSON.readTree(answer.body()).get("id").asText(), Instant.now());
            } else {
                refused(String.valueOf(answer.statusCode()));
            }
        } catch (IOException e) {
            refused(e.getClass().getSimpleName());
        }
    }

    private void refused(String why) {
        refusedSubmits.computeIfAbsent(why, w -> new AtomicInteger()).incrementAndGet();
    }

    /** A tenth of the jobs are terminated, a moment after their submit. */
    private void terminations(long end) {
        while (System.nanoTime() < end) {
            pause(1000);
            for (String id : List.copyOf(submitted.keySet())) {
                if (!terminateAsked.contains(id) && ThreadLocalRandom.current().nextInt(10) == 0) {
                    terminateAsked.add(id);
                    try {
                        send("POST", any() + "/api/status/" + id + "/terminate?reason=soak");
                    } catch (IOException e) {
                        // the instance went away: the job runs on
                    }
                } else {
                    terminateAsked.add(id); // decided once per job
                }
            }
        }
    }

    /** Every 15-40 s: kill -9 an instance, SIGTERM one, or cut storage for 5-10 s; stopped ones start again. */
    private void chaos(long end) {
        while (true) {
            pause(ThreadLocalRandom.current().nextLong(15_000, 40_000));
            if (System.nanoTime() >= end) {
                return;
            }
            try {
                switch (ThreadLocalRandom.current().nextInt(3)) {
                    case 0 -> {
                        AppProcess victim = live.remove(ThreadLocalRandom.current().nextInt(live.size()));
                        victim.kill();
                        count("kill -9");
                        startInstance();
                    }
                    case 1 -> {
                        AppProcess victim = live.remove(ThreadLocalRandom.current().nextInt(live.size()));
                        long stopAt = System.nanoTime();
                        victim.terminate();
                        try {
                            victim.awaitExit(Duration.ofSeconds(60));
                        } catch (AssertionError stillRunning) {
                            victim.kill();
                        }
                        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopAt);
                        count("SIGTERM");
                        System.out.printf("SIGTERM: exited after %d s%n", seconds);
                        stopSeconds.add(seconds);
                        startInstance();
                    }
                    default -> {
                        long millis = ThreadLocalRandom.current().nextLong(5_000, 10_001);
                        tableLink.refuse();
                        queueLink.refuse();
                        pause(millis);
                        tableLink.pass();
                        queueLink.pass();
                        count("storage cut");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean check() throws Exception {
        List<String> broken = new ArrayList<>();
        System.out.println("settling: waiting for every job to finish");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        List<JsonNode> jobs = listAll();
        while (jobs.stream().anyMatch(job -> !finished(job)) && System.nanoTime() < deadline) {
            pause(2000);
            jobs = listAll();
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        List<Long> turnaroundMillis = new ArrayList<>();
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode job : jobs) {
            String id = job.get("id").asText();
            byId.put(id, job);
            String status = job.get("runtimeStatus").asText();
            outcomes.merge(status, 1, Integer::sum);
            if (!finished(job)) {
                broken.add("job " + id + " is still " + status);
            } else if ("Completed".equals(status)) {
                long expected = rows.expectedCount(job.at("/input/start").asText(), job.at("/input/end").asText());
                if (job.get("result").asLong() != expected) {
                    broken.add("job " + id + " counted " + job.get("result") + ", expected " + expected);
                }
                turnaroundMillis.add(Duration.between(Instant.parse(job.get("createdTime").asText()),
                        Instant.parse(job.get("lastUpdatedTime").asText())).toMillis());
            } else if ("Failed".equals(status) && !explained(job)) {
                broken.add("job " + id + " failed with a cause no fault explains: " + job.get("error"));
            }
        }
        for (String id : submitted.keySet()) {
            if (!byId.containsKey(id)) {
                broken.add("job " + id + " was accepted (202) and is gone");
            }
        }
        stopSeconds.stream().filter(seconds -> seconds > GRACE_SECONDS + 10).forEach(seconds -> broken.add(
                "an instance stopped with SIGTERM exited after " + seconds + " s, past the grace and 10 s"));
        Map<String, Integer> finishingLines = finishingLines();
        for (JsonNode job : jobs) {
            int lines = finishingLines.getOrDefault(job.get("id").asText(), 0);
            if (finished(job) && lines != 1) {
                broken.add("job " + job.get("id").asText() + " has " + lines + " finishing lines in the state logs");
            }
        }
        QueueClient queue = queue("jobs-" + suffix);
        QueueClient poison = queue("jobs-" + suffix + "-poison");
        long queueDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (messages(queue) + messages(poison) > 0 && System.nanoTime() < queueDeadline) {
            pause(2000);
        }
        if (messages(queue) > 0 || messages(poison) > 0) {
            broken.add("messages left: " + messages(queue) + " on the job queue, " + messages(poison) + " on the poison queue");
        }

        turnaroundMillis.sort(null);
        System.out.println();
        long unaccepted = byId.keySet().stream().filter(id -> !submitted.containsKey(id)).count();
        System.out.printf("jobs: %d accepted (202), %d listed (%d without a 202: their submit's answer was an error "
                        + "or lost, and their job ran); submits refused or unanswered: %s%n", submitted.size(), jobs.size(),
                unaccepted, new TreeMap<>(refusedSubmits));
        System.out.println("faults injected: " + faults + "; SIGTERM to exit, seconds: " + stopSeconds);
        System.out.println("outcomes: " + outcomes);
        System.out.printf("turnaround of Completed jobs (created to finished): p50 %s ms, p90 %s ms, p99 %s ms, max %s ms%n",
                percentile(turnaroundMillis, 50), percentile(turnaroundMillis, 90), percentile(turnaroundMillis, 99),
                percentile(turnaroundMillis, 100));
        System.out.println("instances started: " + started.get() + "; logs: target/it-logs/" + suffix + "-soak-*.log");
        broken.stream().limit(30).forEach(problem -> System.out.println("BROKEN: " + problem));
        System.out.println(broken.isEmpty() ? "soak passed: every invariant held"
                : "soak FAILED: " + broken.size() + " invariants broken");
        return broken.isEmpty();
    }

    /**
     * The causes a Failed job may name here: none of the faults outlasts the outage tolerance, and jobs are kept
     * in the table store; only a message delivered more than jobs.max-dequeue-count times is poison.
     */
    private static boolean explained(JsonNode job) {
        String code = job.at("/error/code").asText();
        if ("PoisonMessage".equals(code)) {
            Matcher deliveries = Pattern.compile("failed its worker (\\d+) times").matcher(job.at("/error/message").asText());
            return deliveries.find() && Integer.parseInt(deliveries.group(1)) > MAX_DEQUEUE_COUNT;
        }
        return false;
    }

    private Map<String, Integer> finishingLines() throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        for (String name : logs) {
            Path log = Path.of("target", "it-logs", name + ".log");
            if (!Files.exists(log)) {
                continue;
            }
            Matcher line = FINISHING.matcher(Files.readString(log));
            while (line.find()) {
                lines.merge(line.group(1), 1, Integer::sum);
            }
        }
        return lines;
    }

    private List<JsonNode> listAll() throws Exception {
        List<JsonNode> jobs = new ArrayList<>();
        String token = null;
        do {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(any() + "/api/status?top=1000"))
                    .timeout(Duration.ofSeconds(30));
            if (token != null) {
                request.header("x-ms-continuation-token", token);
            }
            HttpResponse<String> page = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() != 200) {
                throw new IllegalStateException("listing answered " + page.statusCode() + ": " + page.body());
            }
            JSON.readTree(page.body()).forEach(jobs::add);
            token = page.headers().firstValue("x-ms-continuation-token").orElse(null);
        } while (token != null);
        return jobs;
    }

    private static boolean finished(JsonNode job) {
        return Set.of("Completed", "Failed", "Terminated").contains(job.get("runtimeStatus").asText());
    }

    private String any() {
        List<AppProcess> instances = List.copyOf(live);
        return instances.get(ThreadLocalRandom.current().nextInt(instances.size())).api.base();
    }

    private static HttpResponse<String> send(String method, String url) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private QueueClient queue(String name) {
        return new QueueClientBuilder().connectionString(azurite.connectionString()).queueName(name).buildClient();
    }

    private static int messages(QueueClient queue) {
        return (int) queue.getProperties().getApproximateMessagesCountLong();
    }

    private synchronized void count(String fault) {
        faults.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
        System.out.printf("%s fault: %s%n", Instant.now(), fault);
    }

    private static String percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        return String.valueOf(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis); // the soak's own pace: submits, faults and settling polls
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void close() throws InterruptedException {
        for (AppProcess instance : live) {
            instance.close();
        }
        tableLink.close();
        queueLink.close();
    }
}
