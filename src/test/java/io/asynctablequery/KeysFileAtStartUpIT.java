package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.Azurite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** A keys file that cannot be used stops the start-up with a message naming the line, never the secret. */
@Execution(ExecutionMode.CONCURRENT) // its tests share nothing: each has its own instances, tables and queue
class KeysFileAtStartUpIT {

    private static final String SECRET = "a-secret-that-must-not-be-logged-0123";

    @Test
    void aMalformedLineStopsTheStartUpNamingTheLineNotTheSecret() throws Exception {
        Path keys = ApiKeyAccessTest.keysFile(List.of("# keys", "alice=submitter:" + ApiKeyAccessTest.ALICE,
                "bob=owner:" + SECRET));
        AppProcess refused = AppProcess.launch("keys-malformed", Map.of(
                "azure.storage.connection-string", Azurite.shared().connectionString(),
                "api.auth", "api-key", "api.keys-file", keys.toString()));

        assertNotEquals(0, refused.awaitExit(Duration.ofSeconds(60)));
        String log = refused.log();
        assertTrue(log.contains("line 3"), log);
        assertFalse(log.contains(SECRET), "the secret is in the log");
        assertFalse(log.contains(ApiKeyAccessTest.ALICE), "a secret is in the log");
    }

    @Test
    void aMissingFileStopsTheStartUp() throws Exception {
        AppProcess refused = AppProcess.launch("keys-missing", Map.of(
                "azure.storage.connection-string", Azurite.shared().connectionString(),
                "api.auth", "api-key", "api.keys-file", "/nonexistent/keys.txt"));

        assertNotEquals(0, refused.awaitExit(Duration.ofSeconds(60)));
        assertTrue(refused.log().contains("api.keys-file /nonexistent/keys.txt cannot be read"), refused.log());
    }
}
