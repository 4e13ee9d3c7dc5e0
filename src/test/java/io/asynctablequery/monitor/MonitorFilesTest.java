package io.asynctablequery.monitor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The monitor page's files keep the rules its Content-Security-Policy and SPEC §9 set: no inline script or
 * style, nothing from another origin, and data from the API never written as HTML.
 */
class MonitorFilesTest {

    private static final Path DIR = Path.of("src/main/resources/monitor");

    @Test
    void theScriptsNeverWriteHtml() throws IOException {
        for (String file : List.of("monitor.js", "schedules.js")) {
            String script = Files.readString(DIR.resolve(file));
            for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                    "new Function")) {
                assertFalse(script.contains(sink), file + " uses " + sink);
            }
            assertTrue(script.contains("textContent"));
        }
    }

    @Test
    void thePageHasNoInlineCodeAndLoadsNothingFromElsewhere() throws IOException {
        String page = Files.readString(DIR.resolve("index.html"));
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(page).find(), "inline script");
        assertFalse(page.contains("<style") || page.contains(" style=") || Pattern.compile(" on[a-z]+=").matcher(page)
                .find(), "inline style or handler");
        for (String file : List.of("index.html", "monitor.css", "monitor.js", "schedules.js")) {
            assertFalse(Pattern.compile("(src|href|url)\\s*[=(]\\s*['\"]?(https?:)?//").matcher(
                    Files.readString(DIR.resolve(file))).find(), file + " loads something from another origin");
        }
    }
}
