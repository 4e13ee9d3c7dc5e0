package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.support.Needs;
import io.asynctablequery.support.Tool;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.Browser;
import io.asynctablequery.support.Wait;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitor page under {@code api.auth=api-key} (SPEC §9): it asks for the key once, keeps it for the tab's
 * session (sessionStorage), sends it as a header, and never puts it in a URL.
 */
@Needs(Tool.CHROME)
class MonitorPageWithKeysTest extends ApiTestSupport {

    private Browser browser;

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("api.auth", "api-key");
        properties.setProperty("api.keys-file", ApiKeyAccessTest.keysFile(List.of(
                "alice=submitter:" + ApiKeyAccessTest.ALICE)).toString());
    }

    @BeforeAll
    void openBrowser() {
        browser = new Browser();
    }

    @AfterAll
    void closeBrowser() {
        browser.close();
    }

    @Test
    void thePageAsksForTheKeyOnceAndNeverPutsItInAUrl() {
        String id = new ApiClient(this::base, "x-functions-key", ApiKeyAccessTest.ALICE).submit("01/01/2021",
                "02/01/2021");
        browser.driver.get(base() + "/");
        Wait.until("the key prompt", Duration.ofSeconds(20),
                () -> Boolean.TRUE.equals(browser.script("return document.getElementById('credential-dialog').open;")));
        browser.screenshot("monitor-key-prompt");
        browser.find("credential").sendKeys(ApiKeyAccessTest.ALICE);
        browser.find("credential-submit").click();
        Wait.until("alice's job listed", Duration.ofSeconds(20), () -> browser.jobState(id) != null);
        assertEquals("Signed in with a key", browser.find("who").getText());
        String kept = String.valueOf(browser.script("return sessionStorage.getItem('async-table-query.credential');"));
        assertTrue(kept.contains(ApiKeyAccessTest.ALICE), "the key is kept for the tab's session");

        browser.driver.navigate().refresh(); // the same tab: no second prompt
        Wait.until("listed again", Duration.ofSeconds(20), () -> browser.jobState(id) != null);
        assertFalse(Boolean.TRUE.equals(browser.script("return document.getElementById('credential-dialog').open;")));

        for (URI request : browser.requests()) {
            assertFalse(request.toString().contains(ApiKeyAccessTest.ALICE), "a URL carries the key: " + request);
            assertFalse(request.getQuery() != null && request.getQuery().contains("code="), request.toString());
        }
        assertEquals(List.of(), browser.consoleErrors().stream()
                .filter(error -> !error.contains("status of 401")).toList()); // the first, keyless request
    }
}
