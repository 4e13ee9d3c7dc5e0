package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.support.AppProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Storage settings an instance cannot start with (SPEC §12): it exits at once with one line that names the
 * settings, no stack trace, and no secret.
 */
@Execution(ExecutionMode.CONCURRENT) // its tests share nothing: each has its own instances, tables and queue
class StorageCredentialSettingsIT {

    private static final String ACCOUNT_KEY = "a2V5LXRoYXQtbXVzdC1ub3QtYmUtbG9nZ2Vk";

    @Test
    void anIdentityWithAConnectionStringBesideItIsRefused() throws Exception {
        String log = refused("identity-and-key", Map.of("azure.storage.credential-type", "managed-identity",
                "azure.storage.account-name", "myaccount",
                "azure.storage.connection-string", "DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey="
                        + ACCOUNT_KEY));

        assertTrue(log.contains("azure.storage.credential-type=managed-identity takes no "
                + "azure.storage.connection-string"), log);
        assertFalse(log.contains(ACCOUNT_KEY), "the key is in the log");
    }

    @Test
    void anIdentityWithNeitherAccountNorEndpointsIsRefused() throws Exception {
        String log = refused("identity-no-account", Map.of("azure.storage.credential-type", "default-azure-credential"));

        assertTrue(log.contains("azure.storage.credential-type=default-azure-credential needs "
                + "azure.storage.account-name, or the endpoints azure.storage.table-endpoint"), log);
    }

    @Test
    void anEndpointThatIsNotHttpsIsRefused() throws Exception {
        String log = refused("identity-http-endpoint", Map.of("azure.storage.credential-type", "managed-identity",
                "azure.storage.table-endpoint", "http://127.0.0.1:10002/devstoreaccount1"));

        assertTrue(log.contains("azure.storage.table-endpoint must be an https:// URL without a query"), log);
    }

    @Test
    void anUnknownCredentialTypeIsRefused() throws Exception {
        String log = refused("unknown-credential", Map.of("azure.storage.credential-type", "account-key"));

        assertTrue(log.contains("azure.storage.credential-type must be one of connection-string, managed-identity, "
                + "default-azure-credential, not 'account-key'"), log);
    }

    @Test
    void aSummaryContainerNameAzureWouldRefuseIsRefusedAtStart() throws Exception {
        String log = refused("summaries-container", Map.of("audit.summaries", "true",
                "audit.summaries.container", "Audit_Summaries"));

        assertTrue(log.contains("audit.summaries.container must be a blob container name"), log);
    }

    /** Starts an instance that must refuse its settings; its log, checked for a stack trace. */
    private static String refused(String name, Map<String, String> settings) throws InterruptedException {
        AppProcess instance = AppProcess.launch("settings-" + name, settings);
        assertEquals(2, instance.awaitExit(Duration.ofSeconds(60)), instance.log());
        String log = instance.log();
        assertTrue(log.contains("Cannot start: "), log);
        assertFalse(log.contains("\tat "), "a stack trace:\n" + log);
        return log;
    }
}
