package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.support.OpenApiContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document promises no more than the routes do: every response it declares (operation and
 * status) was received, and held to the document, by an end-to-end test of this build's surefire run
 * (the files of target/openapi-coverage/, one per test JVM, written by {@link OpenApiContract}).
 */
class OpenApiCoverageIT {

    @Test
    void everyDocumentedResponseWasSeenInATest() throws IOException {
        assertTrue(Files.isDirectory(OpenApiContract.COVERAGE), OpenApiContract.COVERAGE
                + " is missing: run the end-to-end tests first (mvn verify)");
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.list(OpenApiContract.COVERAGE)) {
            for (Path file : files.toList()) {
                seen.addAll(Files.readAllLines(file));
            }
        }
        Set<String> unseen = new TreeSet<>(OpenApiContract.shared().documentedResponses());
        unseen.removeAll(seen);
        assertEquals(Set.of(), unseen, "documented responses no test received");
    }
}
