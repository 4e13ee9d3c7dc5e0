package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.support.PackageImports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows between packages run one way: the API (HTTP) uses the capabilities below it, never the other way
 * round. webhooks/ renders its event through an interface it owns, auth/ raises its own exception.
 */
class PackageArrowsTest {

    @Test
    void noPackageBelowTheApiImportsIt() throws IOException {
        List<String> packages;
        try (Stream<Path> dirs = Files.list(Path.of("src/main/java/io/asynctablequery"))) {
            packages = dirs.filter(Files::isDirectory).map(dir -> dir.getFileName().toString())
                    .filter(name -> !name.equals("api")).sorted().toList();
        }
        assertTrue(packages.containsAll(List.of("auth", "jobs", "query", "storage", "webhooks")), "" + packages);
        Map<String, String> upward = new TreeMap<>();
        for (String pkg : packages) {
            PackageImports.outside(pkg, List.of()).forEach((where, to) -> {
                if (to.equals("api")) {
                    upward.put(pkg + "/" + where, to);
                }
            });
        }
        assertEquals(Map.of(), upward);
    }
}
