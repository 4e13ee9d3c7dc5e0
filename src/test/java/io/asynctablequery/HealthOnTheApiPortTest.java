package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * With the management server off ({@code camel.management.enabled=false}), health and metrics are served on
 * the API port, and answer without a credential while the API needs one (SPEC §6, §8).
 */
class HealthOnTheApiPortTest extends ApiTestSupport {

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("camel.management.enabled", "false");
        properties.setProperty("api.auth", "api-key");
        properties.setProperty("api.keys-file", ApiKeyAccessTest.keysFile(List.of(
                "alice=submitter:" + ApiKeyAccessTest.ALICE)).toString());
    }

    @Test
    void healthAndMetricsAnswerOnTheApiPortWithoutACredential() {
        seed(new AuditRows().add("2024-01-01", "C", "A")); // the audit table exists: ready
        HttpResult live = get("/observe/health/live");
        assertEquals(200, live.status(), live.toString());
        assertEquals("UP", live.json().get("status").asText());
        HttpResult ready = get("/observe/health/ready");
        assertEquals(200, ready.status(), ready.toString());
        HttpResult metrics = get("/observe/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("audit_jobs_submitted_total"), metrics.body());
        assertEquals(401, get("/api/status").status());
        assertEquals(200, new ApiClient(this::base, "x-functions-key", ApiKeyAccessTest.ALICE).get("/api/status")
                .status());
    }
}
