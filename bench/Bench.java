import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's client side (bench/run.sh runs it as a single-file program, with the Azure SDK from the
 * application jar on the class path). Each command prints one line of key=value figures.
 */
public class Bench {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern RESULT = Pattern.compile("\"result\":(\\d+)");
    private static final Pattern FROM_SUMMARIES = Pattern.compile("\"partitionsFromSummaries\":(\\d+)");
    /** A range with no data: jobs that cost two empty partition queries. */
    private static final String EMPTY_RANGE = "s=01/01/1990&e=02/01/1990";

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "seed" -> seed(args[1], args[2], LocalDate.parse(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            case "baseline" -> baseline(args[1], args[2], args[3], args[4]);
            case "job" -> job(args[1], args[2], args.length > 3 ? Integer.parseInt(args[3]) : 600);
            case "wait-done" -> waitDone(args[1], args[2], Integer.parseInt(args[3]));
            case "await" -> await(args[1], args[2]);
            case "stop-runner" -> stopRunner(args[1], args[2], Integer.parseInt(args[3]), args[4]);
            case "suspend-at" -> suspendAt(args[1], args[2], Integer.parseInt(args[3]));
            case "submit-and" -> submitAnd(args[1], args[2], Integer.parseInt(args[3]), args[4]);
            case "jobs" -> jobs(args[1], Integer.parseInt(args[2]), args[3], args.length > 4 ? args[4] : null,
                    args.length > 5 ? Long.parseLong(args[5]) : 0);
            case "finished-job" -> System.out.println("id=" + finishedJob(args[1]));
            case "turnaround" -> turnaround(args[1], Integer.parseInt(args[2]), args.length > 3 ? args[3] : null,
                    args.length > 4 ? args[4] : null);
            case "burst" -> burst(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "submit" -> System.out.println("id=" + id(get(args[1] + "/api/submit/query?" + args[2]).body()));
            case "waits" -> waits(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "latency" -> latency(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "dribble" -> dribble(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "openid" -> openId(Integer.parseInt(args[1]), args[2], args[3], java.nio.file.Path.of(args[4]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /** Audit rows: perDay a day, 90 % with a CertNumber, 3 % of those without the id; ids from `distinct`. */
    static void seed(String connection, String tableName, LocalDate first, int days, int perDay, int distinct)
            throws Exception {
        TableServiceClient service = new TableServiceClientBuilder().connectionString(connection).buildClient();
        service.createTableIfNotExists(tableName);
        TableClient table = service.getTableClient(tableName);
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Set<String>>> parts = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            LocalDate day = first.plusDays(d);
            parts.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(day.toEpochDay());
                Set<String> counted = new HashSet<>();
                List<TableTransactionAction> batch = new ArrayList<>();
                for (int i = 0; i < perDay; i++) {
                    TableEntity entity = new TableEntity(day.toString(), String.format("%06d", i));
                    int kind = random.nextInt(100);
                    String id = "ID" + random.nextInt(distinct);
                    if (kind >= 10) {
                        entity.addProperty("CertNumber", "C" + i);
                    }
                    if (kind < 97) {
                        entity.addProperty("identificationNumber", id);
                        if (kind >= 10) {
                            counted.add(id);
                        }
                    }
                    batch.add(new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE, entity));
                    if (batch.size() == 100) {
                        table.submitTransaction(batch);
                        batch = new ArrayList<>();
                    }
                }
                if (!batch.isEmpty()) {
                    table.submitTransaction(batch);
                }
                return counted;
            }));
        }
        Set<String> all = new HashSet<>();
        for (Future<Set<String>> part : parts) {
            all.addAll(part.get());
        }
        pool.shutdown();
        System.out.printf("entities=%d expected=%d seconds=%.1f%n", (long) days * perDay, all.size(),
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * One sequential SDK scan with the original filter, as the original activity ran it, after a scan of the
     * range's first day to warm up (the job it is compared with runs in a warm server too).
     */
    static void baseline(String connection, String tableName, String start, String end) {
        TableClient table = new TableServiceClientBuilder().connectionString(connection).buildClient()
                .getTableClient(tableName);
        originalScan(table, start, start);
        long started = System.nanoTime();
        OriginalScan scan = originalScan(table, start, end);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("result=%d seconds=%.3f entities=%d entities_per_second=%.0f%n", scan.result(), seconds,
                scan.entities(), scan.entities() / seconds);
    }

    record OriginalScan(int result, long entities) {
    }

    private static OriginalScan originalScan(TableClient table, String start, String end) {
        Set<Object> ids = new HashSet<>();
        long entities = 0;
        for (TableEntity entity : table.listEntities(originalQuery(start, end), null, null)) {
            entities++;
            Object id = entity.getProperty("identificationNumber");
            if (id != null) {
                ids.add(id);
            }
        }
        return new OriginalScan(ids.size(), entities);
    }

    private static ListEntitiesOptions originalQuery(String start, String end) {
        return new ListEntitiesOptions()
                .setFilter("PartitionKey ge '" + start + "' and PartitionKey le '" + end + "' and CertNumber ne ''")
                .setSelect(List.of("identificationNumber"));
    }

    /** Submits one job with a wait (600 s unless given) and reports its answer and the time to it. */
    static void job(String base, String query, int waitSeconds) throws Exception {
        long started = System.nanoTime();
        String body = get(base + "/api/submit/query?" + query + "&wait=" + waitSeconds).body();
        double seconds = (System.nanoTime() - started) / 1e9;
        Matcher result = RESULT.matcher(body);
        Matcher fromSummaries = FROM_SUMMARIES.matcher(body);
        Matcher fromCheckpoint = FROM_CHECKPOINT.matcher(body);
        System.out.printf("result=%s seconds=%.3f from_summaries=%s from_checkpoint=%s%n",
                result.find() ? result.group(1) : "none:" + body, seconds,
                fromSummaries.find() ? fromSummaries.group(1) : "none",
                fromCheckpoint.find() ? fromCheckpoint.group(1) : "none");
    }

    private static final Pattern DONE = Pattern.compile("\"partitionsDone\":(\\d+)");
    private static final Pattern FROM_CHECKPOINT = Pattern.compile("\"partitionsFromCheckpoint\":(\\d+)");
    private static final Pattern STATE = Pattern.compile("\"runtimeStatus\":\"(\\w+)\"");

    /** Waits until the job has done at least {@code days} days; prints how many it had then. */
    static void waitDone(String base, String id, int days) throws Exception {
        System.out.println("done=" + awaitDone(base, id, days));
    }

    /** Waits for the job to finish; prints its state, count, and the days its checkpoint answered. */
    static void await(String base, String id) throws Exception {
        while (true) {
            String body = get(base + "/api/status/" + id + "?wait=60").body();
            Matcher state = STATE.matcher(body);
            String status = state.find() ? state.group(1) : "none";
            if (Set.of("Completed", "Failed", "Terminated").contains(status)) {
                Matcher result = RESULT.matcher(body);
                Matcher fromCheckpoint = FROM_CHECKPOINT.matcher(body);
                Matcher done = DONE.matcher(body);
                System.out.printf("state=%s result=%s from_checkpoint=%s done=%s%n", status,
                        result.find() ? result.group(1) : "none",
                        fromCheckpoint.find() ? fromCheckpoint.group(1) : "none", done.find() ? done.group(1) : "none");
                return;
            }
        }
    }

    /**
     * Once the job has done {@code days} days, stops the process running it (its history's last Started or TakenOver
     * event names it, {@code host-<pid>}): {@code KILL} as kill -9, {@code TERM} as SIGTERM. Prints the days done then
     * and the pid. In this one process, so that no launch of a program comes between the two.
     */
    static void stopRunner(String base, String id, int days, String signal) throws Exception {
        int done = awaitDone(base, id, days);
        String instance = runner(base, id);
        long pid = Long.parseLong(instance.substring(instance.lastIndexOf('-') + 1));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        boolean sent = "KILL".equals(signal) ? process.destroyForcibly() : process.destroy();
        System.out.println("done=" + done + " pid=" + pid + " signalled=" + sent);
    }

    /**
     * Submits a job, then, once it has done {@code days} days, {@code KILL}s or {@code TERM}s its runner, or
     * {@code suspend}s it: all in this process, so that no program's launch delays the stop. Prints the job's id, the
     * days done at the stop, and what was done.
     */
    static void submitAnd(String base, String query, int days, String action) throws Exception {
        String id = id(get(base + "/api/submit/query?" + query).body());
        System.out.print("id=" + id + " ");
        if ("suspend".equals(action)) {
            suspendAt(base, id, days);
        } else {
            stopRunner(base, id, days, action);
        }
    }

    /** Once the job has done {@code days} days, suspends it; prints the days done then. */
    static void suspendAt(String base, String id, int days) throws Exception {
        int done = awaitDone(base, id, days);
        int status = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/status/" + id + "/suspend"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        System.out.println("done=" + done + " suspend=" + status);
    }

    private static int awaitDone(String base, String id, int days) throws Exception {
        while (true) {
            Matcher done = DONE.matcher(get(base + "/api/status/" + id).body());
            if (done.find() && Integer.parseInt(done.group(1)) >= days) {
                return Integer.parseInt(done.group(1));
            }
            Thread.sleep(50); // polling a status URL, as its clients do
        }
    }

    /** The instance the job's last run began on: its history's last Started or TakenOver event names it. */
    static String runner(String base, String id) throws Exception {
        String body = get(base + "/api/status/" + id + "?showHistory=true").body();
        Matcher event = Pattern.compile("\"eventType\":\"(Started|TakenOver)\",\"timestamp\":\"[^\"]*\","
                + "\"instance\":\"([^\"]*)\"").matcher(body);
        String instance = "none";
        while (event.find()) {
            instance = event.group(2);
        }
        return instance;
    }

    /**
     * n jobs of the same range submitted at once; each one's answer and time to it, in submit order. With
     * {@code faultUrl}: GET it {@code afterMillis} after the submits (e.g. the Azure model's burst of 503s).
     */
    static void jobs(String base, int n, String query, String faultUrl, long afterMillis) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n + 1);
        if (faultUrl != null) {
            pool.submit(() -> {
                Thread.sleep(afterMillis); // the fault comes mid-scan, as a burst of Azure's 503s would
                return get(faultUrl).body();
            });
        }
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(pool.submit(() -> {
                long started = System.nanoTime();
                String body = get(base + "/api/submit/query?" + query + "&wait=600").body();
                Matcher result = RESULT.matcher(body);
                return (result.find() ? result.group(1) : "none") + " "
                        + String.format("%.3f", (System.nanoTime() - started) / 1e9);
            }));
        }
        List<String> results = new ArrayList<>();
        List<String> seconds = new ArrayList<>();
        for (Future<String> answer : answers) {
            String[] parts = answer.get().split(" ");
            results.add(parts[0]);
            seconds.add(parts[1]);
        }
        pool.shutdown();
        System.out.println("results=" + String.join(",", results) + " seconds=" + String.join(",", seconds));
    }

    static String finishedJob(String base) throws Exception {
        HttpResponse<String> done = get(base + "/api/submit/query?" + EMPTY_RANGE + "&wait=30");
        Matcher id = ID.matcher(done.body());
        if (done.statusCode() != 200 || !id.find()) {
            throw new IllegalStateException("no finished job: " + done.body());
        }
        return id.group(1);
    }

    /**
     * n submits in a row, each waiting (wait=10) for its empty-range job: the time to the answer. With a
     * connection string and table, each is followed by the same query made directly with the SDK, and the
     * overhead is the median of the first minus the median of the second.
     */
    static void turnaround(String base, int n, String connection, String tableName) throws Exception {
        TableClient table = connection == null ? null
                : new TableServiceClientBuilder().connectionString(connection).buildClient().getTableClient(tableName);
        for (int i = 0; i < 20; i++) {
            get(base + "/api/submit/query?" + EMPTY_RANGE + "&wait=10"); // warm-up
            if (table != null) {
                originalScan(table, "1990-01-01", "1990-01-02");
            }
        }
        long[] micros = new long[n];
        long[] direct = new long[n];
        int notFinished = 0;
        for (int i = 0; i < n; i++) {
            long started = System.nanoTime();
            HttpResponse<String> response = get(base + "/api/submit/query?" + EMPTY_RANGE + "&wait=10");
            micros[i] = (System.nanoTime() - started) / 1_000;
            if (response.statusCode() != 200) {
                notFinished++;
                System.err.println("not finished: " + response.statusCode() + " " + response.body());
            }
            if (table != null) {
                started = System.nanoTime();
                originalScan(table, "1990-01-01", "1990-01-02");
                direct[i] = (System.nanoTime() - started) / 1_000;
            }
        }
        Arrays.sort(micros);
        Arrays.sort(direct);
        System.out.printf("median_ms=%.1f p99_ms=%.1f max_ms=%.1f not_finished=%d direct_median_ms=%.1f "
                + "overhead_median_ms=%.1f%n", micros[n / 2] / 1e3, micros[(int) Math.ceil(n * 0.99) - 1] / 1e3,
                micros[n - 1] / 1e3, notFinished, direct[n / 2] / 1e3, (micros[n / 2] - direct[n / 2]) / 1e3);
    }

    /** n empty-range jobs submitted at once (`concurrency` at a time); the time until all are finished. */
    static void burst(String base, int n, int concurrency) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger refused = new AtomicInteger();
        long started = System.nanoTime();
        List<Future<?>> submits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            submits.add(pool.submit(() -> {
                if (get(base + "/api/submit/query?" + EMPTY_RANGE).statusCode() != 202) {
                    refused.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> submit : submits) {
            submit.get();
        }
        double submitted = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        while (!"[]".equals(get(base + "/api/status?runtimeStatus=Pending,Running&top=1").body().strip())) {
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("jobs=%d refused=%d submit_seconds=%.2f total_seconds=%.2f jobs_per_second=%.0f%n", n,
                refused.get(), submitted, seconds, n / seconds);
    }

    /**
     * n concurrent long polls on one URL, one connection each as separate clients have (HTTP/1.1); prints
     * "opened" once all are sent, then how they were answered once all are.
     */
    static void waits(String url, int n, int deadlineSeconds) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(60)).build();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            waits.add(client.sendAsync(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(deadlineSeconds)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        System.out.println("opened=" + n);
        int ok = 0;
        int accepted = 0;
        int failed = 0;
        for (var wait : waits) {
            try {
                int status = wait.get().statusCode();
                ok += status == 200 ? 1 : 0;
                accepted += status == 202 ? 1 : 0;
            } catch (Exception e) {
                failed++;
            }
        }
        System.out.printf("answered_200=%d answered_202=%d failed=%d%n", ok, accepted, failed);
    }

    /**
     * How soon a client learns that a job finished, measured from the job's finishing write (its
     * lastUpdatedTime; the app and this program share the machine's clock): by its event stream, by its
     * webhook (a receiver here on {@code hookPort}), and by polling every 5 s from the submit on. n jobs in a row.
     */
    static void latency(String base, String query, int n, int hookPort) throws Exception {
        java.util.Map<String, Long> hooks = new java.util.concurrent.ConcurrentHashMap<>();
        var receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", hookPort), 50);
        receiver.createContext("/hook/", exchange -> {
            long at = System.currentTimeMillis();
            exchange.getRequestBody().readAllBytes();
            hooks.put(exchange.getRequestURI().getPath().substring(6), at);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long[] stream = new long[n];
        long[] hook = new long[n];
        long[] poll = new long[n];
        for (int i = 0; i < n; i++) {
            String callback = java.net.URLEncoder.encode("http://127.0.0.1:" + hookPort + "/hook/" + i,
                    java.nio.charset.StandardCharsets.UTF_8);
            long submitted = System.currentTimeMillis();
            String id = id(get(base + "/api/submit/query?" + query + "&callbackUrl=" + callback).body());
            var events = client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/status/" + id))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
            long streamSeen = 0;
            for (String line : (Iterable<String>) events.get().body()::iterator) {
                if (line.startsWith("data:") && line.contains("\"runtimeStatus\":\"Completed\"")) {
                    streamSeen = System.currentTimeMillis();
                }
            }
            long pollSeen = 0;
            for (long at = submitted + 5000; pollSeen == 0; at += 5000) {
                Thread.sleep(Math.max(0, at - System.currentTimeMillis())); // a client polling every 5 s
                if (get(base + "/api/status/" + id).statusCode() == 200) {
                    pollSeen = System.currentTimeMillis();
                }
            }
            String document = get(base + "/api/status/" + id).body();
            Matcher updated = Pattern.compile("\"lastUpdatedTime\":\"([^\"]+)\"").matcher(document);
            updated.find();
            long finished = java.time.Instant.parse(updated.group(1)).toEpochMilli();
            String key = String.valueOf(i);
            while (!hooks.containsKey(key)) {
                Thread.sleep(10);
            }
            stream[i] = streamSeen - finished;
            hook[i] = hooks.get(key) - finished;
            poll[i] = pollSeen - finished;
        }
        receiver.stop(0);
        Arrays.sort(stream);
        Arrays.sort(hook);
        Arrays.sort(poll);
        int p99 = (int) Math.ceil(n * 0.99) - 1;
        System.out.printf("stream_median_ms=%d stream_p99_ms=%d hook_median_ms=%d hook_p99_ms=%d poll_median_ms=%d "
                + "poll_p99_ms=%d%n", stream[n / 2], stream[p99], hook[n / 2], hook[p99], poll[n / 2], poll[p99]);
    }

    /**
     * A stand-in Entra ID for the benchmark: OpenID Connect discovery and a JWKS endpoint on loopback for
     * tenant {@code tenant}; writes an hour-long token for {@code audience}, signed with its key, to
     * {@code tokenFile}, then serves until killed.
     */
    static void openId(int port, String tenant, String audience, java.nio.file.Path tokenFile) throws Exception {
        var key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("bench").generate();
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", port), 50);
        String base = "http://127.0.0.1:" + port + "/" + tenant;
        serve(server, "/" + tenant + "/v2.0/.well-known/openid-configuration",
                "{\"jwks_uri\":\"" + base + "/discovery/v2.0/keys\"}");
        serve(server, "/" + tenant + "/discovery/v2.0/keys",
                new com.nimbusds.jose.jwk.JWKSet(key.toPublicJWK()).toString());
        server.start();
        java.util.Date now = new java.util.Date();
        var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder()
                .issuer("https://login.microsoftonline.com/" + tenant + "/v2.0").audience(audience)
                .claim("tid", tenant).claim("oid", "bench-user").issueTime(now).notBeforeTime(now)
                .expirationTime(new java.util.Date(now.getTime() + 3_600_000)).build();
        var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(
                com.nimbusds.jose.JWSAlgorithm.RS256).keyID("bench").build(), claims);
        jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));
        java.nio.file.Files.writeString(tokenFile, jwt.serialize());
        Thread.currentThread().join();
    }

    private static void serve(com.sun.net.httpserver.HttpServer server, String path, String json) {
        server.createContext(path, exchange -> {
            byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    private static String id(String body) {
        Matcher matcher = ID.matcher(body);
        return matcher.find() ? matcher.group(1) : "none";
    }

    /**
     * Slowloris: n connections to 127.0.0.1:port that send the start of a request head and then one byte every
     * everyMillis, never its end, for the given seconds; a connection the server closes is opened again at once (an
     * attacker keeps its count). Prints how many the server closed, with a 408 or without, and the longest any stayed.
     */
    static void dribble(int port, int n, int everyMillis, int seconds) throws Exception {
        byte[] start = "GET /api/status/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
        java.nio.channels.Selector selector = java.nio.channels.Selector.open();
        java.util.Map<java.nio.channels.SocketChannel, Long> open = new java.util.HashMap<>();
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(4096);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long every = Duration.ofMillis(everyMillis).toNanos();
        long nextByte = System.nanoTime() + every;
        long closed = 0;
        long with408 = 0;
        long longestMs = 0;
        while (System.nanoTime() < end) {
            while (open.size() < n) {
                var channel = java.nio.channels.SocketChannel.open(new java.net.InetSocketAddress("127.0.0.1", port));
                channel.write(java.nio.ByteBuffer.wrap(start));
                channel.configureBlocking(false);
                channel.register(selector, java.nio.channels.SelectionKey.OP_READ);
                open.put(channel, System.nanoTime());
            }
            selector.select(Math.max(1, Math.min(nextByte, end) - System.nanoTime()) / 1_000_000 + 1);
            for (var key : selector.selectedKeys()) {
                var channel = (java.nio.channels.SocketChannel) key.channel();
                in.clear();
                int read;
                try {
                    read = channel.read(in);
                } catch (java.io.IOException e) {
                    read = -1;
                }
                if (read > 0 && new String(in.array(), 0, read, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 408")) {
                    with408++;
                }
                if (read < 0) {
                    closed++;
                    longestMs = Math.max(longestMs, (System.nanoTime() - open.remove(channel)) / 1_000_000);
                    key.cancel();
                    channel.close();
                }
            }
            selector.selectedKeys().clear();
            if (System.nanoTime() >= nextByte) {
                for (var channel : open.keySet()) {
                    try {
                        channel.write(java.nio.ByteBuffer.wrap(new byte[] {'a'}));
                    } catch (java.io.IOException e) {
                        // closed by the server: the read above notes it
                    }
                }
                nextByte = System.nanoTime() + every;
            }
        }
        for (var channel : open.keySet()) {
            longestMs = Math.max(longestMs, (System.nanoTime() - open.get(channel)) / 1_000_000);
            channel.close();
        }
        System.out.printf("closed_by_server=%d with_408=%d longest_open_ms=%d%n", closed, with408, longestMs);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(700)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
