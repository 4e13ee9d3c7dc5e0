package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.asynctablequery.support.NeededTools;
import io.asynctablequery.support.Tool;
import io.asynctablequery.support.ToolSearch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The test set-up itself on a newcomer's machine: the browser and container test classes run (in this JVM,
 * through JUnit's engine) with every tool hidden ({@code tests.path} pointed at a directory that holds none) are
 * skipped, each with what is missing and how to install it, and listed in the report the build prints at its end;
 * the same run with CI's switch ({@code tests.require-tools=true}) fails both, with the same reasons.
 */
class MissingToolsTest {

    private static final List<Class<?>> NEEDING_TOOLS = List.of(MonitorPageTest.class, MonitorPageWithKeysTest.class,
            MonitorPageWithEntraIdTest.class, MonitorPageOnQueueModeTest.class, ContainerIT.class);

    @TempDir
    Path emptyPath;
    @TempDir
    Path report;

    @Test
    void withTheToolsHiddenTheirTestsAreSkippedWithTheReasonAndListed() throws IOException {
        EngineExecutionResults results = run(Map.of());

        assertEquals(0, results.allEvents().failed().count(), results.allEvents().failed().list().toString());
        assertEquals(0, results.testEvents().started().count(), "no test of theirs started");
        Map<String, String> skipped = skippedClasses(results);
        assertEquals(NEEDING_TOOLS.size(), skipped.size(), skipped.toString());
        for (Class<?> test : NEEDING_TOOLS) {
            String reason = skipped.get(test.getSimpleName());
            Tool tool = test == ContainerIT.class ? Tool.PODMAN : Tool.CHROME;
            assertTrue(reason.contains(tool.install()), reason);
            String listed = Files.readString(report.resolve(test.getSimpleName() + ".txt")).strip();
            assertEquals(reason, listed, "the report names the class and why");
        }
        assertTrue(skipped.get("ContainerIT").contains("podman, runc, mmdebstrap not found"), skipped.toString());
        assertTrue(skipped.get("MonitorPageTest").contains("a Chrome or Chromium browser, chromedriver not found"),
                skipped.toString());
    }

    @Test
    void withTheToolsHiddenCisSwitchFailsEachOfThemSayingWhy() throws IOException {
        EngineExecutionResults results = run(Map.of(NeededTools.REQUIRE, "true"));

        List<Event> failed = results.containerEvents().failed().list();
        assertEquals(NEEDING_TOOLS.size(), failed.size(), failed.toString());
        for (Event event : failed) {
            Throwable cause = event.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                    .getThrowable().orElseThrow();
            String text = String.valueOf(cause) + " " + String.valueOf(cause.getCause());
            assertTrue(text.contains("did not run") && text.contains(NeededTools.REQUIRE), text);
        }
        assertEquals(0, results.testEvents().started().count(), "no test of theirs started");
        try (var listed = Files.list(report)) {
            assertEquals(0, listed.count(), "failed, not listed as skipped");
        }
    }

    @Test
    void aDriverNamedAtAPathThatDoesNotExistIsMissing() {
        ToolSearch search = ToolSearch.of(key -> java.util.Optional.ofNullable(Map.of(ToolSearch.PATH,
                emptyPath.toString(), "webdriver.chrome.driver", emptyPath.resolve("chromedriver").toString()).get(key)));
        assertEquals(List.of("a Chrome or Chromium browser", "chromedriver"), Tool.CHROME.missing(search));
    }

    private EngineExecutionResults run(Map<String, String> more) {
        var kit = EngineTestKit.engine("junit-jupiter")
                .configurationParameter(ToolSearch.PATH, emptyPath.toString())
                .configurationParameter("webdriver.chrome.driver", emptyPath.resolve("chromedriver").toString())
                .configurationParameter("chrome.binary", emptyPath.resolve("chromium").toString())
                .configurationParameter(NeededTools.REPORT, report.toString())
                .configurationParameter(NeededTools.REQUIRE, "false");
        more.forEach(kit::configurationParameter);
        NEEDING_TOOLS.forEach(test -> kit.selectors(selectClass(test)));
        return kit.execute();
    }

    private static Map<String, String> skippedClasses(EngineExecutionResults results) {
        Map<String, String> skipped = new TreeMap<>();
        results.containerEvents().skipped().list().forEach(event -> skipped.put(
                event.getTestDescriptor().getDisplayName(), event.getPayload(String.class).orElse("")));
        return skipped;
    }
}
