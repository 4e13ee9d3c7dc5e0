package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.asynctablequery.support.Needs;
import io.asynctablequery.support.Tool;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Browser;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The monitor page against an instance in queue mode (the storage queue and the job table, SPEC §9). */
@Needs(Tool.CHROME)
class MonitorPageOnQueueModeTest extends ApiTestSupport {

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.dispatch", "azure-storage-queue");
        properties.setProperty("jobs.store", "table");
        properties.setProperty("jobs.queue-name", "monitor-jobs");
        properties.setProperty("jobs.table-name", "monitorjobs");
        properties.setProperty("jobs.queue-poll-delay", "100");
    }

    @Test
    void aQueryStartedFromThePageFinishesWithTheCount() {
        AuditRows rows = new AuditRows().add("2021-07-01", "C", "A").add("2021-07-02", "C", "B")
                .add("2021-07-03", "C", "A").add("2021-07-03", null, "D");
        seed(rows);
        try (Browser browser = new Browser()) {
            browser.driver.get(base() + "/");
            browser.script("document.getElementById('start').value = '2021-07-01';"
                    + "document.getElementById('end').value = '2021-07-03';");
            browser.find("submit").click();
            Wait.until("Completed on the page", Duration.ofSeconds(30), () -> "Completed".equals(browser.script(
                    "const r = document.querySelector('#job-rows tr'); return r && r.dataset.state;")));
            assertEquals(String.valueOf(rows.expectedCount("2021-07-01", "2021-07-03")), browser.script(
                    "return document.querySelector('#job-rows tr td.result').textContent;"));
            browser.screenshot("monitor-queue-mode");
            assertEquals(List.of(), browser.consoleErrors());
        }
    }
}
