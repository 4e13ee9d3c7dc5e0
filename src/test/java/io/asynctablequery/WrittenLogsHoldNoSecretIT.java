package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.IdentityEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No key, token, secret or connection string appears in any log of the build's test runs (SPEC §6, §8, §12): the
 * application's logs of every end-to-end test (surefire's and failsafe's output files) and of every instance
 * the ITs started (target/it-logs), among them the managed identity's header secret and tokens. Named to run last of the ITs (failsafe runs them in alphabetical order).
 */
class WrittenLogsHoldNoSecretIT {

    @Test
    void noLogOfTheBuildHoldsAKeyATokenOrASecret() throws IOException {
        List<Path> logs = new ArrayList<>();
        for (Path dir : List.of(Path.of("target", "surefire-reports"), Path.of("target", "failsafe-reports"),
                Path.of("target", "it-logs"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> f.toString().endsWith("-output.txt") || f.toString().endsWith(".log"))
                            .forEach(logs::add);
                }
            }
        }
        assertTrue(logs.size() > 10, "logs of the build's tests: " + logs);
        List<String> secrets = List.of(Azurite.KEY, "AccountKey=", LogsIT.SECRET, ApiKeyAccessTest.ALICE,
                ApiKeyAccessTest.BOB, ApiKeyAccessTest.ROOT, "whsec_", "x-functions-key: ",
                IdentityEndpoint.SECRET_PREFIX);
        for (Path log : logs) {
            String text = Files.readString(log);
            for (String secret : secrets) {
                assertFalse(text.contains(secret), log + " holds " + secret.substring(0, 6) + "…");
            }
            // A JWT (an Entra token, a managed identity's token) starts with the base64 of {" : none may be logged.
            assertFalse(text.matches("(?s).*eyJ[A-Za-z0-9_-]{10,}\\.eyJ.*"), log + " holds a JWT");
        }
    }

}
