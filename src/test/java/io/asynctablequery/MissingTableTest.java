package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.HttpResult;
import org.junit.jupiter.api.Test;

/** The audit table does not exist: the job fails with a message that names the table, never the key. */
class MissingTableTest extends ApiTestSupport {

    @Override
    protected String auditTable() {
        return "nosuchaudittable";
    }

    @Test
    void aMissingTableFailsTheJobWithACleanMessage() {
        String id = submit("01/01/2021", "31/01/2021");
        JsonNode failed = awaitFinished(id);

        assertEquals("Failed", failed.get("status").asText());
        assertEquals("TableNotFound", failed.get("error").get("code").asText());
        String message = failed.get("error").get("message").asText();
        assertTrue(message.contains("'nosuchaudittable'"), message);
        assertEquals(message, failed.get("output").asText());
        assertTrue(failed.get("result").isNull());
        assertFalse(failed.toString().contains(Azurite.KEY));
        assertFalse(failed.toString().contains("Exception"));
    }

    @Test
    void aFailedJobAnswersEachStyleOfClient() {
        String id = submit("01/01/2021", "02/01/2021");
        awaitFinished(id);

        assertEquals(200, get("/api/status/" + id).status());
        HttpResult asError = get("/api/status/" + id + "?returnInternalServerErrorOnFailure=true");
        assertEquals(500, asError.status());
        assertEquals("Failed", asError.json().get("runtimeStatus").asText());
        JsonNode operation = get("/api/operations/" + id).json();
        assertEquals("Failed", operation.get("status").asText());
        assertEquals("TableNotFound", operation.get("error").get("code").asText());
        assertFalse(operation.has("resourceLocation"));
        HttpResult result = get("/api/results/" + id);
        assertEquals(409, result.status());
        assertEquals("application/problem+json", result.contentType());
    }
}
