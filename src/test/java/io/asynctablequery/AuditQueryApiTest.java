package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.rest.SimpleResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.SyncDefaultPollingStrategy;
import com.azure.core.util.polling.SyncPoller;
import com.azure.core.util.serializer.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The happy path of SPEC §1-2, end to end: real HTTP, the real YAML routes, a real Azurite. */
class AuditQueryApiTest extends ApiTestSupport {

    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
    private final AuditRows rows = new AuditRows();

    @BeforeAll
    void seedJanuary2021() {
        Random random = new Random(7);
        for (LocalDate day = LocalDate.of(2020, 12, 30); !day.isAfter(LocalDate.of(2021, 2, 2));
             day = day.plusDays(1)) {
            for (int i = 0; i < 30; i++) {
                int kind = random.nextInt(20);
                String cert = kind == 0 ? null : kind == 1 ? "" : "C" + random.nextInt(1000);
                Object id = kind == 2 ? null : kind == 3 ? (Object) random.nextInt(50) : "ID" + random.nextInt(400);
                rows.add(day.toString(), cert, id);
            }
        }
        // Keys that only the string comparison of the original filter decides about.
        rows.add("2021-01-15", "C1", "ON-THE-END-DAY");
        rows.add("2021-01-15-late", "C1", "PAST-THE-END-DAY");
        rows.add("2021-01-31x", "C1", "PAST-THE-LAST-DAY");
        rows.add("2021-01-0", "C1", "BEFORE-THE-FIRST-DAY");
        seed(rows);
    }

    @Test
    void summariesAreOffByDefaultAndTheirEndpointSaysSo() {
        for (HttpResult off : java.util.List.of(get("/api/summaries?" + query("01/01/2021", "31/01/2021")),
                delete("/api/summaries?" + query("01/01/2021", "31/01/2021")))) {
            assertEquals(404, off.status(), off.toString());
            assertTrue(off.json().get("detail").asText().contains("audit.summaries=false"), off.body());
        }
        JsonNode job = awaitFinished(submit("01/01/2021", "05/01/2021"));
        assertEquals(0, job.at("/customStatus/partitionsFromSummaries").asInt(), job.toString());
    }

    @Test
    void dayFirstDatesCountTheDistinctIdsOfTheRange() {
        JsonNode done = awaitFinished(submit("01/01/2021", "31/01/2021"));

        assertEquals("Completed", done.get("status").asText());
        assertEquals(rows.expectedCount("2021-01-01", "2021-01-31"), done.get("result").asLong());
    }

    @Test
    void isoDotAndDashDatesGiveTheSameAnswer() {
        long expected = rows.expectedCount("2021-01-01", "2021-01-31");

        assertEquals(expected, awaitFinished(submit("2021-01-01", "2021-01-31")).get("result").asLong());
        assertEquals(expected, awaitFinished(submit("1.1.2021", "31.01.2021")).get("result").asLong());
        assertEquals(expected, awaitFinished(submit("01-01-2021", "31-1-2021")).get("result").asLong());
    }

    @Test
    void theEndDayIsIncludedAndNothingPastIt() {
        long expected = rows.expectedCount("2021-01-10", "2021-01-15");
        AuditRows endDayOnly = new AuditRows().add("2021-01-15", "C1", "ON-THE-END-DAY");
        assertEquals(1, endDayOnly.expectedCount("2021-01-10", "2021-01-15"), "the end day counts");
        assertEquals(0, new AuditRows().add("2021-01-15-late", "C1", "X").expectedCount("2021-01-10", "2021-01-15"),
                "a key past the end day does not");

        assertEquals(expected, awaitFinished(submit("10/01/2021", "15/01/2021")).get("result").asLong());
    }

    @Test
    void keysBetweenTwoDaysCountAsTheOriginalStringRangeDoes() {
        // "2021-01-15-late" sorts between 2021-01-15 and 2021-01-16; "2021-01-31x" after 2021-01-31.
        long withLateKey = rows.expectedCount("2021-01-15", "2021-01-16");
        long withoutIt = rows.expectedCount("2021-01-15", "2021-01-15") + rows.expectedCount("2021-01-16",
                "2021-01-16");
        assertNotEquals(withoutIt, withLateKey, "the seeded data must make this test meaningful");

        assertEquals(withLateKey, awaitFinished(submit("15/01/2021", "16/01/2021")).get("result").asLong());
        assertEquals(rows.expectedCount("2021-01-30", "2021-01-31"),
                awaitFinished(submit("30/01/2021", "31/01/2021")).get("result").asLong());
    }

    @Test
    void aRangeWithoutDataCountsZero() {
        JsonNode done = awaitFinished(submit("01/01/1999", "31/01/1999"));

        assertEquals("Completed", done.get("runtimeStatus").asText());
        assertEquals(0, done.get("result").asLong());
        assertEquals(0, done.get("customStatus").get("entitiesScanned").asLong());
    }

    @Test
    void submitAnswers202WithAbsoluteLinksAndPollingHeaders() {
        HttpResult accepted = get("/api/submit/query?" + query("01/01/2021", "05/01/2021"));

        assertEquals(202, accepted.status());
        JsonNode body = accepted.json();
        String id = body.get("id").asText();
        assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), id);
        String status = base() + "/api/status/" + id;
        assertEquals(status, body.get("statusUri").asText());
        assertEquals(status, body.get("statusQueryGetUri").asText());
        assertEquals(base() + "/api/operations/" + id, body.get("operationUri").asText());
        assertEquals(status + "/terminate?reason={text}", body.get("terminatePostUri").asText());
        assertEquals(status, body.get("purgeHistoryDeleteUri").asText());
        assertEquals(status, accepted.header("Location"));
        assertEquals(base() + "/api/operations/" + id, accepted.header("Operation-Location"));
        assertEquals("1", accepted.header("Retry-After"));
    }

    @Test
    void anOriginalClientReadsStatusAndResultThroughStatusUri() {
        String statusUri = get("/api/submit/query?" + query("02/01/2021", "20/01/2021")).json()
                .get("statusUri").asText();

        JsonNode done = Wait.forValue("Completed via statusUri", DEADLINE, () -> get(statusUri),
                response -> response.status() == 200).json();
        assertEquals("Completed", done.get("status").asText());
        assertEquals(rows.expectedCount("2021-01-02", "2021-01-20"), done.get("result").asLong());
    }

    @Test
    void theStatusDocumentCarriesTheDurableFieldsAndProgress() {
        String id = submit("01/01/2021", "31/01/2021");
        JsonNode done = awaitFinished(id);

        long expected = rows.expectedCount("2021-01-01", "2021-01-31");
        assertEquals(id, done.get("id").asText());
        assertEquals(id, done.get("instanceId").asText());
        assertEquals("audit-query", done.get("name").asText());
        assertEquals("Completed", done.get("runtimeStatus").asText());
        assertEquals(expected, done.get("output").asLong());
        assertTrue(done.get("error").isNull());
        assertEquals("2021-01-01", done.get("input").get("start").asText());
        assertEquals("2021-01-31", done.get("input").get("end").asText());
        JsonNode progress = done.get("customStatus");
        assertEquals(31, progress.get("partitionsTotal").asInt());
        assertEquals(31, progress.get("partitionsDone").asInt());
        assertEquals(100, progress.get("percentComplete").asInt());
        long matching = rows.rows().stream().filter(row -> row.getPartitionKey().compareTo("2021-01-01") >= 0
                && row.getPartitionKey().compareTo("2021-01-31") <= 0
                && row.getProperty(AuditRows.REQUIRED) != null && !"".equals(row.getProperty(AuditRows.REQUIRED)))
                .count();
        assertEquals(matching, progress.get("entitiesScanned").asLong());
        assertEquals(rows.expectedSkipped("2021-01-01", "2021-01-31"), progress.get("entitiesSkipped").asLong());
        assertTrue(done.get("createdTime").asText().matches(TIME), done.get("createdTime").asText());
        assertTrue(done.get("lastUpdatedTime").asText().matches(TIME));
        assertFalse(get("/api/status/" + id + "?showInput=false").json().has("input"));
    }

    @Test
    void theOperationMonitorEndsSucceededWithTheResultLocation() {
        String id = submit("03/01/2021", "09/01/2021");

        HttpResult operation = Wait.forValue("operation Succeeded", DEADLINE, () -> get("/api/operations/" + id),
                response -> "Succeeded".equals(response.json().path("status").asText()));
        assertEquals(200, operation.status());
        assertNull(operation.header("Retry-After"));
        JsonNode body = operation.json();
        assertEquals(id, body.get("id").asText());
        assertEquals(100, body.get("percentComplete").asInt());
        assertFalse(body.has("error"));
        assertTrue(body.get("createdDateTime").asText().matches(TIME));
        assertTrue(body.get("lastActionDateTime").asText().matches(TIME));
        String resultUrl = body.get("resourceLocation").asText();
        assertEquals(base() + "/api/results/" + id, resultUrl);

        JsonNode result = get(resultUrl).json();
        assertEquals(id, result.get("id").asText());
        assertEquals(rows.expectedCount("2021-01-03", "2021-01-09"), result.get("result").asLong());
    }

    @Test
    void postTakesTheDatesAsFormJsonOrQueryString() {
        long expected = rows.expectedCount("2021-01-04", "2021-01-12");

        HttpResult form = post("/api/submit/query?wait=20", "s=04%2F01%2F2021&e=12%2F01%2F2021",
                "Content-Type", "application/x-www-form-urlencoded");
        HttpResult json = post("/api/submit/query?wait=20", "{\"s\": \"04/01/2021\", \"e\": \"12/01/2021\"}",
                "Content-Type", "application/json");
        HttpResult queryString = post("/api/submit/query?wait=20&" + query("04/01/2021", "12/01/2021"), null);

        for (HttpResult response : new HttpResult[] {form, json, queryString}) {
            assertEquals(200, response.status(), response.toString());
            assertEquals(expected, response.json().get("result").asLong());
        }
    }

    @Test
    void anAzureSdkLongRunningOperationPollerReachesTheResult() {
        HttpPipeline pipeline = new HttpPipelineBuilder().build();
        com.azure.core.http.HttpRequest start = new com.azure.core.http.HttpRequest(HttpMethod.POST,
                base() + "/api/submit/query")
                .setHeader(com.azure.core.http.HttpHeaderName.CONTENT_TYPE, "application/json")
                .setBody("{\"s\": \"05/01/2021\", \"e\": \"25/01/2021\"}");

        SyncPoller<BinaryData, BinaryData> poller = SyncPoller.createPoller(Duration.ofMillis(100), () -> {
            com.azure.core.http.HttpResponse response = pipeline.sendSync(start, Context.NONE);
            return new SimpleResponse<>(response.getRequest(), response.getStatusCode(), response.getHeaders(),
                    response.getBodyAsBinaryData());
        }, new SyncDefaultPollingStrategy<>(pipeline), TypeReference.createInstance(BinaryData.class),
                TypeReference.createInstance(BinaryData.class));

        assertEquals(LongRunningOperationStatus.SUCCESSFULLY_COMPLETED,
                poller.waitForCompletion(DEADLINE).getStatus());
        JsonNode result = new HttpResult(200, null, poller.getFinalResult().toString()).json();
        assertEquals(rows.expectedCount("2021-01-05", "2021-01-25"), result.get("result").asLong());
    }

    @Test
    void linksFollowTheRequestHostAndIgnoreForwardedHeadersByDefault() {
        HttpResult accepted = get("/api/submit/query?" + query("01/01/2021", "02/01/2021"),
                "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https",
                "Forwarded", "host=evil.example;proto=https");

        assertTrue(accepted.header("Location").startsWith(base() + "/api/status/"), accepted.header("Location"));
        assertFalse(accepted.body().contains("evil.example"));
    }

    @Test
    void daysBetweenStartAndEndAreAllScanned() {
        long days = ChronoUnit.DAYS.between(LocalDate.of(2020, 12, 30), LocalDate.of(2021, 2, 2)) + 1;
        JsonNode done = awaitFinished(submit("30/12/2020", "02/02/2021"));

        assertEquals(days, done.get("customStatus").get("partitionsTotal").asLong());
        assertEquals(rows.expectedCount("2020-12-30", "2021-02-02"), done.get("result").asLong());
    }
}
