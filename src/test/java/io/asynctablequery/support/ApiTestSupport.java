package io.asynctablequery.support;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.TestInstance;

/**
 * Boots the real application (Camel Main, ./application.properties, the YAML routes in ./routes) once per
 * test class, on a free port, against the shared real Azurite, with the audit table named after the test
 * class. Tests talk to it over real HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ApiTestSupport extends CamelMainTestSupport {

    protected static final Duration DEADLINE = ApiClient.DEADLINE;

    protected final Azurite azurite = Azurite.shared();
    private int port;
    private int managementPort;
    protected final ApiClient api = new ApiClient(this::base);

    /** Properties this test class sets on top of application.properties. */
    protected void configure(Properties properties) {
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application.properties";
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        port = Azurite.freePort();
        Properties properties = new Properties();
        properties.setProperty("camel.server.port", String.valueOf(port));
        managementPort = Azurite.freePort();
        properties.setProperty("camel.management.port", String.valueOf(managementPort));
        properties.setProperty("azure.storage.connection-string", storageConnectionString());
        properties.setProperty("audit.table-name", auditTable());
        properties.setProperty("api.retry-after", "1");
        properties.setProperty("azure.storage.max-retries", "1");
        configure(properties);
        camelContextConfiguration().withUseOverridePropertiesWithPropertiesComponent(properties);
        return super.createCamelContext();
    }

    /** The storage account as the application sees it. */
    protected String storageConnectionString() {
        return azurite.connectionString();
    }

    /** The audit table of this test class: its own, so classes never see each other's rows. */
    protected String auditTable() {
        return "audit" + getClass().getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    protected TableServiceClient tables() {
        return new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
    }

    protected void seed(AuditRows rows) {
        rows.insertInto(tables(), auditTable());
    }

    protected String base() {
        return "http://localhost:" + port;
    }

    /** Where health and metrics are served: the management port (the API port when management is off). */
    protected String managementBase() {
        return "http://localhost:" + managementPort;
    }

    protected HttpResult get(String path, String... headers) {
        return api.get(path, headers);
    }

    protected HttpResult post(String path, String body, String... headers) {
        return api.post(path, body, headers);
    }

    protected HttpResult delete(String path) {
        return api.delete(path);
    }

    protected HttpResult send(String method, String path, String body, String... headers) {
        return api.send(method, path, body, headers);
    }

    protected static String query(String start, String end) {
        return ApiClient.query(start, end);
    }

    protected String submit(String start, String end) {
        return api.submit(start, end);
    }

    protected JsonNode awaitFinished(String id) {
        return api.awaitFinished(id);
    }

    protected JsonNode awaitStatus(String id, String status) {
        return api.awaitStatus(id, status);
    }

    protected int jobCount() {
        return api.jobCount();
    }
}
