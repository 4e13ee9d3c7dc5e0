package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.HttpResult;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed request gets a 4xx RFC 9457 problem with the original or a clear message, no stack
 * trace and no secret, and creates no job.
 */
class BadInputTest extends ApiTestSupport {

    private static final String HUGE = "1".repeat(100_000);

    @AfterEach
    void noJobWasCreated() {
        assertEquals(0, jobCount(), "a refused request must not leave a job behind");
    }

    static Stream<Arguments> originalValidationMessages() {
        return Stream.of(
                Arguments.of("", "Empty start date."),
                Arguments.of("s=&e=31/01/2021", "Empty start date."),
                Arguments.of("s=%20%20&e=31/01/2021", "Empty start date."),
                Arguments.of("s=yesterday&e=31/01/2021", "Invalid start date format."),
                Arguments.of("s=31/02/2021&e=31/03/2021", "Invalid start date format."),
                Arguments.of("s=2021-13-01&e=31/03/2021", "Invalid start date format."),
                Arguments.of("s=01/01/2021", "Empty end date."),
                Arguments.of("s=01/01/2021&e=", "Empty end date."),
                Arguments.of("s=01/01/2021&e=32/01/2021", "Invalid end date format."),
                Arguments.of("s=01/01/2021&e=29/02/2021", "Invalid end date format."),
                Arguments.of("s=01/01/2021&e=01/01/2021", "Invalid date range."),
                Arguments.of("s=02/01/2021&e=01/01/2021", "Invalid date range."),
                Arguments.of("s=31/12/2021&e=2021-01-01", "Invalid date range."),
                Arguments.of("s=yesterday", "Invalid start date format."));
    }

    @ParameterizedTest(name = "[{index}] ?{0} -> {1}")
    @MethodSource("originalValidationMessages")
    void submitAnswersTheOriginalValidationMessages(String query, String message) {
        assertProblem(get("/api/submit/query?" + query), 400, message);
        assertProblem(post("/api/submit/query?" + query, null), 400, message);
    }

    @Test
    void aRangeOverTheLimitNamesTheLimit() {
        HttpResult refused = get("/api/submit/query?" + query("01/01/2020", "02/01/2021")); // 367 days

        assertProblem(refused, 400, null);
        assertTrue(refused.json().get("detail").asText().contains("366"), refused.body());
        assertEquals(202, get("/api/submit/query?" + query("01/01/2020", "01/01/2021")).status(),
                "366 days is allowed");
        purgeAll();
    }

    static Stream<Arguments> filterInjections() {
        return Stream.of(
                Arguments.of("2021-01-01' or PartitionKey ne '", "31/01/2021", "Invalid start date format."),
                Arguments.of("01/01/2021", "31/01/2021' or CertNumber eq '", "Invalid end date format."),
                Arguments.of("01/01/2021) or (true", "31/01/2021", "Invalid start date format."),
                Arguments.of("01/01/2021\u0000", "31/01/2021", "Invalid start date format."),
                Arguments.of("01/01/2021", "31/01/2021 and PartitionKey ne ''", "Invalid end date format."));
    }

    @ParameterizedTest(name = "[{index}] s={0} e={1}")
    @MethodSource("filterInjections")
    void filterInjectionAttemptsAreRefusedAsDates(String start, String end, String message) {
        assertProblem(get("/api/submit/query?" + query(start, end)), 400, message);
        String json = "{\"s\": \"" + start.replace("\u0000", "\\u0000") + "\", \"e\": \"" + end + "\"}";
        assertProblem(post("/api/submit/query", json, "Content-Type", "application/json"), 400, message);
    }

    @Test
    void brokenOrWrongBodiesAreRefused() {
        assertProblem(post("/api/submit/query", "{\"s\": \"01/01/2021\", \"e\":", "Content-Type",
                "application/json"), 400, "The request body is not valid JSON.");
        assertProblem(post("/api/submit/query", "[\"01/01/2021\"]", "Content-Type", "application/json"), 400, null);
        assertProblem(post("/api/submit/query", "{\"s\": 20210101, \"e\": \"31/01/2021\"}", "Content-Type",
                "application/json"), 400, "Invalid start date format.");
        assertProblem(post("/api/submit/query", "{\"s\": null, \"e\": \"31/01/2021\"}", "Content-Type",
                "application/json"), 400, "Empty start date.");
        assertProblem(post("/api/submit/query", "s=01/01/2021", "Content-Type", "text/plain"), 415, null);
    }

    @Test
    void hundredKilobyteParametersAreRefused() {
        // The server closes the connection after a 414: sent on a connection of its own, so that no later
        // request of the test's shared client picks up that closing connection from the pool.
        assertEquals(414, ApiClient.onItsOwnConnection(base() + "/api/submit/query?s=" + HUGE + "&e=31/01/2021"),
                "the HTTP server refuses a 100 kB URL");

        // A form field over the HTTP server's 8 kB limit is refused while the body is still arriving; 9 kB
        // (not 100 kB) keeps the client from still writing when the answer comes, which would race it.
        assertProblem(post("/api/submit/query", "s=" + HUGE.substring(0, 9_000) + "&e=31%2F01%2F2021",
                "Content-Type", "application/x-www-form-urlencoded"), 400, null);
        assertProblem(post("/api/submit/query", "{\"s\": \"" + HUGE + "\", \"e\": \"31/01/2021\"}",
                "Content-Type", "application/json"), 400, "Invalid start date format.");
        assertProblem(post("/api/submit/query?" + query("01/01/2021", "31/01/2021"), null,
                "Idempotency-Key", HUGE.substring(0, 300)), 400, null);
    }

    @Test
    void aCallbackUrlIsRefusedWhereNoCallbackHostIsAllowed() {
        assertProblem(get("/api/submit/query?" + query("01/01/2021", "31/01/2021")
                + "&callbackUrl=https%3A%2F%2Fhooks.example.com%2Fdone"), 400, null);
    }

    @Test
    void aMalformedWaitIsRefusedBeforeAnyJobExists() {
        assertProblem(get("/api/submit/query?" + query("01/01/2021", "31/01/2021") + "&wait=soon"), 400, null);
        assertProblem(get("/api/submit/query?" + query("01/01/2021", "31/01/2021") + "&wait=-1"), 400, null);
    }

    @Test
    void unknownAndMalformedIdsAreNotFound() {
        String unknown = UUID.randomUUID().toString();
        for (String id : new String[] {unknown, "not-a-uuid", "..%2F..%2Fetc", "%27%20or%20%271%27%3D%271",
                unknown.toUpperCase() + "0"}) {
            assertProblem(get("/api/status/" + id), 404, "Job not found");
            assertProblem(get("/api/operations/" + id), 404, "Job not found");
            assertProblem(get("/api/results/" + id), 404, "Job not found");
            assertProblem(post("/api/status/" + id + "/terminate", null), 404, "Job not found");
            assertProblem(delete("/api/status/" + id), 404, "Job not found");
        }
    }

    @Test
    void wrongMethodsAndUnknownPathsAreProblemsToo() {
        HttpResult put = send("PUT", "/api/submit/query?" + query("01/01/2021", "31/01/2021"), "{}");
        assertProblem(put, 405, null);
        assertEquals("GET, POST", put.header("Allow"));
        HttpResult patch = send("PATCH", "/api/status/" + UUID.randomUUID(), "{}");
        assertProblem(patch, 405, null);
        assertEquals("DELETE, GET", patch.header("Allow"));
        assertProblem(delete("/api/operations/" + UUID.randomUUID()), 405, null);
        assertProblem(get("/api/status/" + UUID.randomUUID() + "/terminate"), 405, null);
        assertProblem(get("/api/nothing-here"), 404, null);
    }

    @Test
    void listParametersAreChecked() {
        assertProblem(get("/api/status?runtimeStatus=Sleeping"), 400, null);
        assertProblem(get("/api/status?top=0"), 400, null);
        assertProblem(get("/api/status?top=many"), 400, null);
        assertProblem(get("/api/status?createdTimeFrom=last%20week"), 400, null);
        assertProblem(get("/api/status", "x-ms-continuation-token", "garbage!"), 400, null);
    }

    private void purgeAll() {
        for (JsonNode job : get("/api/status?top=1000").json()) {
            String id = job.get("id").asText();
            awaitFinished(id);
            assertEquals(200, delete("/api/status/" + id).status());
        }
    }

    /** A problem response: status, content type, the RFC 9457 fields, and nothing it must not carry. */
    private static void assertProblem(HttpResult response, int status, String detail) {
        assertEquals(status, response.status(), response.toString());
        assertEquals("application/problem+json", response.contentType(), response.toString());
        JsonNode problem = response.json();
        assertEquals(status, problem.get("status").asInt());
        assertTrue(problem.hasNonNull("type") && problem.hasNonNull("title"), response.body());
        if (detail != null) {
            assertEquals(detail, problem.get("detail").asText());
        }
        assertEquals(problem.get("detail").asText(), problem.get("error").asText());
        assertFalse(response.body().contains("Exception"), response.body());
        assertFalse(response.body().contains("\tat "), response.body());
        assertFalse(response.body().contains(Azurite.KEY), "no account key");
        assertFalse(response.body().contains(HUGE.substring(0, 1000)), "the input is not echoed back");
    }

}
