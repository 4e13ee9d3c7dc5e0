package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An instance configured by environment variables alone, as a container is (SPEC §13): its API and management
 * ports ({@code CAMEL_SERVER_PORT}, {@code CAMEL_MANAGEMENT_PORT}, which application.properties also sets) and
 * its own settings, with no {@code -D} option.
 */
class ConfiguredByEnvironmentIT {

    @Test
    void portsAndSettingsFromTheEnvironmentBeatApplicationProperties() throws Exception {
        Azurite azurite = Azurite.shared();
        String table = "audit" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        AuditRows rows = new AuditRows().add("2023-05-01", "C", "A").add("2023-05-02", "C", "B")
                .add("2023-05-02", "", "C").add("2023-05-03", "C", "A");
        rows.insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(),
                table);

        try (AppProcess app = AppProcess.startConfiguredByEnvironment("configured-by-environment", Map.of(
                "AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(),
                "AUDIT_TABLE_NAME", table,
                "JOBS_WORKERS", "2"))) {
            JsonNode done = app.api.awaitFinished(app.api.submit("01/05/2023", "03/05/2023"));

            assertEquals(rows.expectedCount("2023-05-01", "2023-05-03"), done.get("result").asLong());
            assertEquals(200, new ApiClient(app::managementBase).get("/observe/health/ready").status());
        }
    }
}
