package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.HttpResult;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code jobs.max-pending-per-caller}: a submitter with that many unfinished jobs gets 429 with Retry-After and
 * nothing is created; other callers are not held back. Jobs stay unfinished while Azurite is frozen.
 */
class PerCallerLimitTest extends ApiTestSupport {

    private final ApiClient alice = new ApiClient(this::base, "x-functions-key", ApiKeyAccessTest.ALICE);
    private final ApiClient bob = new ApiClient(this::base, "x-functions-key", ApiKeyAccessTest.BOB);
    private final ApiClient root = new ApiClient(this::base, "x-functions-key", ApiKeyAccessTest.ROOT);

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("api.auth", "api-key");
        properties.setProperty("api.keys-file", ApiKeyAccessTest.keysFile(List.of(
                "alice=submitter:" + ApiKeyAccessTest.ALICE, "bob=submitter:" + ApiKeyAccessTest.BOB,
                "root=admin:" + ApiKeyAccessTest.ROOT)).toString());
        properties.setProperty("jobs.max-pending-per-caller", "2");
        properties.setProperty("jobs.workers", "1");
    }

    @Test
    void aSubmitterPastItsLimitGets429AndNothingIsCreated() {
        int alicesJobs;
        try (Azurite.Paused frozen = azurite.pause()) {
            alice.submit("01/01/2021", "02/01/2021");
            alice.submit("01/01/2021", "02/01/2021");
            alicesJobs = alice.jobCount();

            HttpResult refused = alice.get("/api/submit/query?" + query("01/01/2021", "02/01/2021"));
            assertEquals(429, refused.status(), refused.toString());
            assertNotNull(refused.header("Retry-After"));
            assertEquals("application/problem+json", refused.contentType());
            assertEquals(alicesJobs, alice.jobCount());
            HttpResult refusedPost = alice.post("/api/submit/query", "s=01%2F01%2F2021&e=02%2F01%2F2021",
                    "Content-Type", "application/x-www-form-urlencoded");
            assertEquals(429, refusedPost.status(), refusedPost.toString());
            assertEquals(alicesJobs, alice.jobCount());

            assertEquals(202, bob.get("/api/submit/query?" + query("01/01/2021", "02/01/2021")).status());
            assertEquals(202, root.get("/api/submit/query?" + query("01/01/2021", "02/01/2021")).status());
        }
        for (var job : root.get("/api/status?top=1000").json()) {
            root.awaitFinished(job.get("id").asText());
        }
        assertEquals(202, alice.get("/api/submit/query?" + query("01/01/2021", "02/01/2021")).status());
    }

    @Test
    void aRestartPastTheLimitGets429AndCreatesNothing() {
        String finished = alice.submit("01/01/2021", "02/01/2021");
        alice.awaitFinished(finished);
        try (Azurite.Paused frozen = azurite.pause()) {
            alice.submit("01/01/2021", "02/01/2021");
            alice.submit("01/01/2021", "02/01/2021");
            int alicesJobs = alice.jobCount();

            HttpResult refused = alice.post("/api/status/" + finished + "/restart", null);

            assertEquals(429, refused.status(), refused.toString());
            assertEquals("application/problem+json", refused.contentType());
            assertEquals(alicesJobs, alice.jobCount());
        }
        for (var job : root.get("/api/status?top=1000").json()) {
            root.awaitFinished(job.get("id").asText());
        }
    }
}
