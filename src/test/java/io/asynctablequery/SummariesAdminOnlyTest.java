package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Under {@code api.auth=api-key}, the summaries of a range are an admin's to list and remove: a submitter gets a
 * {@code 403} problem and nothing is removed; no key is a {@code 401}. A submitter's jobs use the summaries all
 * the same.
 */
class SummariesAdminOnlyTest extends ApiTestSupport {

    private static final String SUBMITTER = "sub-secret-0123456789ab";
    private static final String ADMIN = "adm-secret-0123456789ab";
    private final Path keysFile = ApiKeyAccessTest.keysFile(List.of("sam=submitter:" + SUBMITTER,
            "ada=admin:" + ADMIN));
    private final ApiClient submitter = new ApiClient(this::base, "x-functions-key", SUBMITTER);
    private final ApiClient admin = new ApiClient(this::base, "x-functions-key", ADMIN);
    private final AuditRows rows = new AuditRows();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("api.auth", "api-key");
        properties.setProperty("api.keys-file", keysFile.toString());
        properties.setProperty("audit.summaries", "true");
        properties.setProperty("audit.summaries.container", "summaries-adminonly");
    }

    @Test
    void onlyAnAdminListsOrRemovesSummaries() {
        for (int day = 1; day <= 4; day++) {
            rows.add("2020-06-0" + day, "C", "ID" + day % 3).add("2020-06-0" + day, "C", "X" + day);
        }
        seed(rows);
        String range = query("2020-06-01", "2020-06-04");
        String id = submitter.submit("2020-06-01", "2020-06-04");
        assertEquals(rows.expectedCount("2020-06-01", "2020-06-04"), submitter.awaitFinished(id).get("result").asLong());

        for (HttpResult refused : List.of(submitter.get("/api/summaries?" + range),
                submitter.delete("/api/summaries?" + range), submitter.delete("/api/summaries?s=bad"))) {
            assertEquals(403, refused.status(), refused.toString());
            assertEquals("application/problem+json", refused.contentType());
        }
        assertEquals(401, api.delete("/api/summaries?" + range).status());
        assertEquals(4, admin.get("/api/summaries?" + range).json().size(), "nothing removed");

        JsonNode again = submitter.awaitFinished(submitter.submit("2020-06-01", "2020-06-04"));
        assertEquals(4, again.at("/customStatus/partitionsFromSummaries").asInt(), again.toString());
        assertEquals(204, admin.delete("/api/summaries?" + range).status());
        assertEquals(0, admin.get("/api/summaries?" + range).json().size());
    }
}
