package io.asynctablequery.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.support.PackageImports;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * storage/ stands on its own: the clients, their set-up, the failure classification, the call with a deadline and
 * the back-off know nothing of jobs, queries, summaries or the API that use them; only the settings they are
 * built from and the thread pools they run on.
 */
class StorageStandsAloneTest {

    @Test
    void noClassOfStorageImportsAnotherPackageOfOursButTheSettingsAndThreads() {
        assertTrue(PackageImports.sources("storage").size() >= 6, "storage sources: "
                + PackageImports.sources("storage"));
        assertEquals(Map.of(), PackageImports.outside("storage", List.of("settings", "threads")));
    }
}
