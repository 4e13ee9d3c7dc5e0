package io.asynctablequery.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.settings.ConfigurationException;
import io.asynctablequery.settings.Settings;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Where each storage client goes, from the settings of SPEC §12 (no storage is called). */
class StorageClientsTest {

    @Test
    void anIdentityReachesEachServiceOfTheAccountAtAzuresPublicEndpoints() {
        StorageClients storage = clients(Map.of("azure.storage.credential-type", "managed-identity",
                "azure.storage.account-name", "auditdata"));

        assertEquals("https://auditdata.table.core.windows.net", storage.endpoint("table"));
        assertEquals("https://auditdata.queue.core.windows.net", storage.endpoint("queue"));
        assertEquals("https://auditdata.blob.core.windows.net", storage.endpoint("blob"));
        assertTrue(storage.credential().isPresent());
        assertEquals("managed-identity", storage.credentialType());
    }

    @Test
    void aServiceEndpointOfItsOwnIsTakenAsItIs() {
        StorageClients storage = clients(Map.of("azure.storage.credential-type", "default-azure-credential",
                "azure.storage.account-name", "auditdata",
                "azure.storage.queue-endpoint", "https://auditdata.privatelink.queue.core.chinacloudapi.cn"));

        assertEquals("https://auditdata.privatelink.queue.core.chinacloudapi.cn", storage.endpoint("queue"));
        assertEquals("https://auditdata.table.core.windows.net", storage.endpoint("table"));
    }

    @Test
    void withEndpointsAndNoAccountAServiceWithoutAnEndpointIsRefused() {
        StorageClients storage = clients(Map.of("azure.storage.credential-type", "managed-identity",
                "azure.storage.table-endpoint", "https://127.0.0.1:10002/devstoreaccount1"));

        assertEquals("https://127.0.0.1:10002/devstoreaccount1", storage.endpoint("table"));
        ConfigurationException missing = assertThrows(ConfigurationException.class, () -> storage.endpoint("queue"));
        assertEquals("azure.storage.credential-type=managed-identity needs azure.storage.queue-endpoint "
                + "(or azure.storage.account-name)", missing.getMessage());
    }

    @Test
    void aSasInAnEndpointAnAccountNameOrAClientIdThatCannotBeAreRefused() {
        StorageClients withSas = clients(Map.of("azure.storage.credential-type", "managed-identity",
                "azure.storage.table-endpoint", "https://a.table.core.windows.net/?sv=2024&sig=secret"));
        assertThrows(ConfigurationException.class, () -> withSas.endpoint("table"));
        assertThrows(ConfigurationException.class, () -> clients(Map.of("azure.storage.credential-type",
                "managed-identity", "azure.storage.account-name", "Not_An_Account")));
        ConfigurationException clientId = assertThrows(ConfigurationException.class, () -> clients(Map.of(
                "azure.storage.credential-type", "managed-identity", "azure.storage.account-name", "auditdata",
                "azure.storage.managed-identity-client-id", "my-identity")));
        assertTrue(clientId.getMessage().startsWith("azure.storage.managed-identity-client-id must be the client ID"));
    }

    @Test
    void aConnectionStringIsAzuritesWhenUnsetAndNeedsNoCredential() {
        StorageClients storage = clients(Map.of());

        assertTrue(storage.credential().isEmpty());
        assertEquals("connection-string", storage.credentialType());
    }

    private static StorageClients clients(Map<String, String> settings) {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties properties = new Properties();
        properties.put("azure.storage.credential-type", "connection-string");
        properties.put("api.http-worker-threads", "4");
        properties.putAll(settings);
        context.getPropertiesComponent().setInitialProperties(properties);
        return new StorageClients(new Settings(context.getPropertiesComponent()));
    }
}
