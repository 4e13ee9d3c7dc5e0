package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.OpenApiContract;
import io.asynctablequery.support.Wait;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code api.auth=api-key}: keys like Azure Functions' (header {@code x-functions-key} or parameter
 * {@code code}), each caller sees and acts on its own jobs only, an admin on all; a missing or bad key is a
 * 401 problem and creates nothing. Two submitters (one key stored as a SHA-256 digest) and an admin.
 */
class ApiKeyAccessTest extends ApiTestSupport {

    static final String ALICE = "alice-secret-0123456789";
    static final String BOB = "bob-secret-abcdefghijkl";
    static final String ROOT = "root-secret-ABCDEFGHIJKL";
    private static final String QUERY = query("01/03/2023", "03/03/2023");

    private final Path keysFile = keysFile(List.of("# the test's keys", "alice=submitter:" + ALICE,
            "bob=submitter:sha256:" + sha256Hex(BOB), "", "root=admin:" + ROOT));
    protected final ApiClient alice = new ApiClient(this::base, "x-functions-key", ALICE);
    protected final ApiClient bob = new ApiClient(this::base, "x-functions-key", BOB);
    protected final ApiClient root = new ApiClient(this::base, "x-functions-key", ROOT);

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("api.auth", "api-key");
        properties.setProperty("api.keys-file", keysFile.toString());
    }

    @BeforeAll
    void seedRows() {
        seed(new AuditRows().add("2023-03-01", "C", "A").add("2023-03-02", "C", "B").add("2023-03-03", "C", "A"));
    }

    @Test
    void anotherOwnersJobIsNotFoundForEveryOperation() {
        String id = alice.submit("01/03/2023", "03/03/2023");
        assertEquals(2, alice.awaitFinished(id).get("result").asLong());

        for (HttpResult refused : List.of(bob.get("/api/status/" + id), bob.get("/api/status/" + id + "?wait=2"),
                bob.get("/api/operations/" + id), bob.get("/api/results/" + id),
                bob.post("/api/status/" + id + "/terminate", null), bob.delete("/api/status/" + id),
                bob.post("/api/status/" + id + "/suspend", null), bob.post("/api/status/" + id + "/resume", null),
                bob.post("/api/status/" + id + "/rewind", null), bob.post("/api/status/" + id + "/restart", null))) {
            assertNotFound(refused);
        }
        HttpResult restarted = alice.post("/api/status/" + id + "/restart", null);
        assertEquals(202, restarted.status(), "the owner may restart it");
        assertEquals(2, alice.awaitFinished(restarted.json().get("id").asText()).get("result").asLong());
        assertNotFound(bob.get("/api/status/" + restarted.json().get("id").asText()));
        assertEquals(200, alice.get("/api/results/" + id).status());
        assertEquals(200, root.get("/api/status/" + id).status());
        assertEquals(200, alice.delete("/api/status/" + id).status());
    }

    @Test
    void aScheduleIsItsCreatorsAndAnAdminsAndItsRunsAreTheCreatorsJobs() {
        String body = "{\"name\": \"alice's\", \"cron\": \"0 6 * * *\", \"paused\": true, \"range\": {\"s\": "
                + "\"01/03/2023\", \"e\": \"03/03/2023\"}}";
        HttpResult created = alice.post("/api/schedules", body, "Content-Type", "application/json");
        assertEquals(201, created.status(), created.toString());
        String id = created.json().get("id").asText();
        String path = "/api/schedules/" + id;

        for (HttpResult refused : List.of(bob.get(path), bob.send("PUT", path, body, "Content-Type",
                "application/json"), bob.post(path + "/pause", null), bob.post(path + "/unpause", null),
                bob.post(path + "/trigger", null), bob.delete(path))) {
            assertEquals(404, refused.status(), refused.toString());
        }
        assertFalse(ids(bob.get("/api/schedules?top=1000")).contains(id));
        assertTrue(ids(alice.get("/api/schedules?top=1000")).contains(id));
        assertTrue(ids(root.get("/api/schedules?top=1000")).contains(id));

        HttpResult triggered = alice.post(path + "/trigger", null);
        assertEquals(202, triggered.status(), triggered.toString());
        String job = triggered.json().get("id").asText();
        assertEquals(2, alice.awaitFinished(job).get("result").asLong());
        assertNotFound(bob.get("/api/status/" + job));
        assertEquals(200, root.post(path + "/unpause", null).status(), "an admin changes any schedule");
        assertEquals(204, root.delete(path).status());
        assertEquals(404, alice.get(path).status());
    }

    @Test
    void listsShowTheCallersOwnJobsAndAnAdminEveryJob() {
        Set<String> alices = Set.of(alice.submit("01/03/2023", "02/03/2023"), alice.submit("02/03/2023", "03/03/2023"));
        String bobs = bob.submit("01/03/2023", "03/03/2023");

        Set<String> listedForAlice = ids(alice.get("/api/status?top=1000"));
        assertTrue(listedForAlice.containsAll(alices));
        assertFalse(listedForAlice.contains(bobs));
        assertEquals(Set.of(), intersection(ids(bob.get("/api/status?top=1000")), alices));
        Set<String> listedForRoot = ids(root.get("/api/status?top=1000"));
        assertTrue(listedForRoot.containsAll(alices) && listedForRoot.contains(bobs));
    }

    @Test
    void oneOwnersContinuationTokenCannotPageAnothersJobs() {
        Set<String> alices = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            alices.add(alice.submit("01/03/2023", "03/03/2023"));
        }
        bob.submit("01/03/2023", "03/03/2023");
        HttpResult firstPage = alice.get("/api/status?top=1");
        String token = firstPage.header("x-ms-continuation-token");
        assertNotNull(token);

        HttpResult bobWithAlicesToken = bob.get("/api/status?top=1000", "x-ms-continuation-token", token);
        if (bobWithAlicesToken.status() == 200) {
            assertEquals(Set.of(), intersection(ids(bobWithAlicesToken), alices));
        } else {
            assertEquals(400, bobWithAlicesToken.status());
        }
    }

    @Test
    void equalIdempotencyKeysOfTwoOwnersNameTwoJobs() {
        String key = "order-" + UUID.randomUUID();
        String first = alice.get("/api/submit/query?" + QUERY, "Idempotency-Key", key).json().get("id").asText();
        String again = alice.get("/api/submit/query?" + QUERY, "Idempotency-Key", key).json().get("id").asText();
        String bobs = bob.get("/api/submit/query?" + QUERY, "Idempotency-Key", key).json().get("id").asText();

        assertEquals(first, again);
        assertNotEquals(first, bobs);
        assertNotFound(bob.get("/api/status/" + first));
    }

    @Test
    void onlyAnAdminPurgesByFilter() {
        String id = bob.submit("01/03/2023", "02/03/2023");
        bob.awaitFinished(id);

        HttpResult refused = bob.delete("/api/status?runtimeStatus=Completed");

        assertEquals(403, refused.status(), refused.toString());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals(200, bob.get("/api/status/" + id).status(), "nothing purged");
        HttpResult purged = root.delete("/api/status?instanceIdPrefix=" + id);
        assertEquals(200, purged.status(), purged.toString());
        assertEquals(1, purged.json().get("instancesDeleted").asInt());
        assertNotFound(bob.get("/api/status/" + id));
    }

    @Test
    void anAdminMayTerminateAndPurgeAnyJob() {
        String id = bob.submit("01/03/2023", "03/03/2023");
        bob.awaitFinished(id);
        assertEquals(200, root.delete("/api/status/" + id).status());
        assertNotFound(bob.get("/api/status/" + id));
    }

    @Test
    void theCodeParameterWorksAndNoLinkCarriesIt() {
        HttpResult accepted = api.get("/api/submit/query?" + QUERY + "&code=" + ALICE);
        assertEquals(202, accepted.status(), accepted.toString());
        assertFalse(accepted.body().contains(ALICE));
        assertFalse(accepted.body().contains("code="));
        assertFalse(accepted.header("Location").contains(ALICE));
        assertFalse(accepted.header("Operation-Location").contains(ALICE));
        assertEquals(200, alice.get("/api/status/" + accepted.json().get("id").asText() + "?wait=10").status());
    }

    @Test
    void noOrABadKeyIsRefusedWith401AndCreatesNothing() {
        int jobsBefore = root.jobCount();
        String submit = "/api/submit/query?" + QUERY;
        List<HttpResult> refused = List.of(
                api.get(submit),
                api.get(submit, "x-functions-key", ""),
                api.get(submit, "x-functions-key", "not-a-key-of-ours-at-all"),
                api.get(submit, "x-functions-key", ALICE.toUpperCase()),
                api.get(submit, "x-functions-key", ALICE, "x-functions-key", ALICE),
                api.get(submit + "&code=" + BOB, "x-functions-key", ALICE),
                api.get(submit + "&code=" + URLEncoder.encode(ALICE + "é", StandardCharsets.UTF_8)),
                api.get(submit, "x-functions-key", "k".repeat(4000)),
                api.get(submit, "x-functions-key", "sha256:" + sha256Hex(BOB)),
                api.post("/api/submit/query", "{\"s\":\"01/03/2023\",\"e\":\"03/03/2023\"}",
                        "Content-Type", "application/json"),
                api.get("/api/status"),
                api.get("/api/status/" + UUID.randomUUID()));
        for (HttpResult answer : refused) {
            assertEquals(401, answer.status(), answer.toString());
            assertEquals("application/problem+json", answer.contentType());
            assertEquals("Missing or invalid credential.", answer.json().get("detail").asText());
            assertFalse(answer.body().contains("at io.") || answer.body().contains(ALICE) || answer.body().contains(BOB));
        }
        assertEquals(jobsBefore, root.jobCount());
    }

    @Test
    void everyOperationOfTheOpenApiDocumentNeedsAKey() {
        for (OpenApiContract.Operation operation : OpenApiContract.shared().operations()) {
            String path = operation.template().replace("{id}", UUID.randomUUID().toString());
            HttpResult answer = api.send(operation.method(), path, "POST".equals(operation.method()) ? "" : null);
            assertEquals(401, answer.status(), operation.id() + ": " + answer);
            assertEquals("Missing or invalid credential.", answer.json().get("detail").asText());
        }
    }

    @Test
    void keysRotateWhenTheFileChanges() throws IOException {
        String newSecret = "alice-rotated-" + UUID.randomUUID();
        try {
            Files.write(keysFile, List.of("alice=submitter:" + newSecret, "bob=submitter:sha256:" + sha256Hex(BOB),
                    "root=admin:" + ROOT));
            ApiClient rotated = new ApiClient(this::base, "x-functions-key", newSecret);
            Wait.until("the new key accepted", Duration.ofSeconds(15),
                    () -> rotated.get("/api/status?top=1").status() == 200);
            assertEquals(401, alice.get("/api/status?top=1").status());

            // A broken file is refused: the keys before it stay, through more than one reload interval.
            Files.write(keysFile, List.of("alice=superuser:" + newSecret));
            long end = System.nanoTime() + Duration.ofMillis(2500).toNanos();
            while (System.nanoTime() < end) {
                assertEquals(200, rotated.get("/api/status?top=1").status());
            }
        } finally {
            Files.write(keysFile, List.of("alice=submitter:" + ALICE, "bob=submitter:sha256:" + sha256Hex(BOB),
                    "root=admin:" + ROOT));
            Wait.until("the first keys back", Duration.ofSeconds(15),
                    () -> alice.get("/api/status?top=1").status() == 200);
        }
    }

    static void assertNotFound(HttpResult answer) {
        assertEquals(404, answer.status(), answer.toString());
        assertEquals("Job not found", answer.json().get("detail").asText());
    }

    static Set<String> ids(HttpResult list) {
        assertEquals(200, list.status(), list.toString());
        Set<String> ids = new HashSet<>();
        for (JsonNode job : list.json()) {
            ids.add(job.get("id").asText());
        }
        return ids;
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        return both;
    }

    static String sha256Hex(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path keysFile(List<String> lines) {
        try {
            Path file = Files.createTempFile("api-keys", ".txt");
            Files.write(file, lines);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
