package io.asynctablequery.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * query/ stands on its own (its own value types for the range, the progress and the failure codes): jobs/
 * depends on query/, never the other way round, and neither does query/ know the HTTP side.
 */
class QueryStandsAloneTest {

    private static final Pattern OUR_IMPORT = Pattern.compile(
            "(?m)^import (?:static )?io\\.asynctablequery\\.(jobs|api|auth|webhooks|operations|demo)\\.[\\w.]+;");

    @Test
    void noClassOfQueryImportsTheJobsOrTheApi() throws IOException {
        Map<String, String> imports = new TreeMap<>();
        List<Path> sources;
        try (Stream<Path> files = Files.list(Path.of("src/main/java/io/asynctablequery/query"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertTrue(sources.size() >= 5, "query sources: " + sources);
        for (Path source : sources) {
            Matcher found = OUR_IMPORT.matcher(Files.readString(source));
            while (found.find()) {
                imports.put(source.getFileName() + ": " + found.group(), found.group(1));
            }
        }
        assertEquals(Map.of(), imports);
    }

    @Test
    void theCheckFindsSuchAnImport() {
        assertTrue(OUR_IMPORT.matcher("package x;\n\nimport io.asynctablequery.jobs.Job;\n").find());
        assertTrue(OUR_IMPORT.matcher("import static io.asynctablequery.api.HttpResponses.write;\n").find());
    }
}
