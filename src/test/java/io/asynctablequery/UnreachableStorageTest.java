package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.Azurite;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The storage account cannot be reached: the job fails naming the endpoint, never the key. */
class UnreachableStorageTest extends ApiTestSupport {

    private final int closedPort = Azurite.freePort();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("azure.storage.connection-string", "DefaultEndpointsProtocol=http;AccountName="
                + Azurite.ACCOUNT + ";AccountKey=" + Azurite.KEY + ";TableEndpoint=http://127.0.0.1:" + closedPort
                + "/" + Azurite.ACCOUNT + ";");
        properties.setProperty("azure.storage.max-retries", "1");
        properties.setProperty("jobs.storage-outage-tolerance", "PT2S"); // retried that long, then it fails
    }

    @Test
    void anUnreachableAccountFailsTheJobNamingTheEndpoint() {
        JsonNode failed = awaitFinished(submit("01/01/2021", "03/01/2021"));

        assertEquals("Failed", failed.get("runtimeStatus").asText());
        assertEquals("StorageUnreachable", failed.get("error").get("code").asText());
        String message = failed.get("error").get("message").asText();
        assertTrue(message.contains("http://127.0.0.1:" + closedPort), message);
        assertFalse(failed.toString().contains(Azurite.KEY));
        assertFalse(failed.toString().contains("AccountKey"));
    }
}
