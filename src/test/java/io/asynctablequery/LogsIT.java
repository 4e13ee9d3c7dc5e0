package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.Wait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Logs a pipeline can read (SPEC §8), from the packaged application: one line per job state change with id,
 * owner, state, duration, entities and result; LOG_FORMAT=json gives one JSON object per line.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests share nothing: each has its own instances, tables and queue
class LogsIT {

    static final String SECRET = "alice-log-secret-0123456789";
    private static final String WEBHOOK_SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "a-webhook-key-of-32-bytes-012345".getBytes());
    private final Azurite azurite = Azurite.shared();

    @Test
    void jsonLogsHaveOneObjectPerLineAndALinePerStateChange() throws Exception {
        String suffix = "logjson" + UUID.randomUUID().toString().substring(0, 8);
        AuditRows rows = seed(suffix);
        String log;
        String id;
        String instance;
        long pid;
        try (AppProcess app = AppProcess.start("logs-json", settings(suffix, "json"))) {
            pid = app.pid();
            id = runJob(app);
            instance = new ApiClient(app.api::base, "x-functions-key", SECRET).get("/api/status/" + id
                    + "?showHistory=true").json().at("/historyEvents/0/instance").asText();
            String finished = id;
            Wait.until("the Completed line", Duration.ofSeconds(10),
                    () -> app.log().contains(finished) && app.log().contains("\"Completed\""));
            log = app.log();
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> states = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode event = json.readTree(line); // every line is one JSON object
            assertTrue(event.isObject() && event.has("level") && event.has("formattedMessage"), line);
            assertEquals(instance, event.at("/context/properties/INSTANCE").asText(), "every line names the instance");
            Map<String, String> fields = new HashMap<>();
            event.path("kvpList").forEach(pair -> pair.fields().forEachRemaining(f -> fields.put(f.getKey(),
                    f.getValue().asText())));
            if (id.equals(fields.get("jobId"))) {
                states.add(json.valueToTree(fields));
            }
        }
        assertEquals(List.of("Pending", "Running", "Completed"), states.stream().map(s -> s.get("state").asText())
                .toList(), states.toString());
        JsonNode completed = states.get(2);
        assertEquals("alice", completed.get("owner").asText());
        assertEquals(String.valueOf(rows.expectedCount("2023-06-01", "2023-06-02")), completed.get("result").asText());
        assertEquals(String.valueOf(rows.rows().size()), completed.get("entitiesScanned").asText());
        assertTrue(Long.parseLong(completed.get("durationMs").asText()) >= 0);
        assertEquals(instance, completed.get("instance").asText(), "the state lines name the instance as the history");
        assertTrue(instance.endsWith("-" + pid), instance + " is the host and the process id " + pid);
    }

    @Test
    void textLogsHaveALinePerStateChange() throws Exception {
        String suffix = "logtext" + UUID.randomUUID().toString().substring(0, 8);
        AuditRows rows = seed(suffix);
        try (AppProcess app = AppProcess.start("logs-text", settings(suffix, "text"))) {
            String id = runJob(app);
            String expected = "Job " + id + " Completed, owner alice, after ";
            Wait.until("the Completed line", Duration.ofSeconds(10),
                    () -> app.log().contains(expected));
            String line = app.log().lines().filter(l -> l.contains(expected)).findFirst().orElseThrow();
            assertTrue(line.contains(rows.rows().size() + " entities scanned, result "
                    + rows.expectedCount("2023-06-01", "2023-06-02")), line);
            assertTrue(app.log().contains("Job " + id + " Running, owner alice"), app.log());
        }
    }

    private AuditRows seed(String suffix) {
        AuditRows rows = new AuditRows().add("2023-06-01", "C", "A").add("2023-06-02", "C", "B")
                .add("2023-06-02", "C", "A");
        rows.insertInto(new TableServiceClientBuilder()
                .connectionString(azurite.connectionString()).buildClient(), "audit" + suffix);
        return rows;
    }

    private Map<String, String> settings(String suffix, String format) throws IOException {
        Path keys = Files.createTempFile("keys", ".properties");
        Files.writeString(keys, "alice=submitter:" + SECRET + "\n");
        Map<String, String> settings = new HashMap<>();
        settings.put("LOG_FORMAT", format);
        settings.put("azure.storage.connection-string", azurite.connectionString());
        settings.put("audit.table-name", "audit" + suffix);
        settings.put("api.auth", "api-key");
        settings.put("api.keys-file", keys.toString());
        settings.put("api.callback-allowed-hosts", "hooks.example.com");
        settings.put("api.webhook-secret", WEBHOOK_SECRET);
        return settings;
    }

    private static String runJob(AppProcess app) {
        ApiClient alice = new ApiClient(app.api::base, "x-functions-key", SECRET);
        String id = alice.submit("01/06/2023", "02/06/2023");
        JsonNode done = alice.awaitFinished(id);
        assertEquals("Completed", done.get("runtimeStatus").asText(), done.toString());
        return id;
    }
}
