package io.asynctablequery.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.support.PackageImports;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * query/ stands on its own (its own value types for the range, the progress and the failure codes): jobs/
 * depends on query/, never the other way round, and neither does query/ know the HTTP side. It uses storage/
 * (the clients' failures and back-off), settings/ (its wiring) and threads/ (its pool) only.
 */
class QueryStandsAloneTest {

    @Test
    void noClassOfQueryImportsTheJobsOrTheApi() {
        assertTrue(PackageImports.sources("query").size() >= 5, "query sources: " + PackageImports.sources("query"));
        assertEquals(Map.of(), PackageImports.outside("query", List.of("storage", "settings", "threads")));
    }

    @Test
    void theCheckFindsSuchAnImport() {
        assertTrue(PackageImports.OUR_IMPORT.matcher("package x;\n\nimport io.asynctablequery.jobs.Job;\n").find());
        assertTrue(PackageImports.OUR_IMPORT.matcher(
                "import static io.asynctablequery.api.HttpResponses.write;\n").find());
    }
}
