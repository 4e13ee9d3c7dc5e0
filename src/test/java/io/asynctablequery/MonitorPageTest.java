package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.Needs;
import io.asynctablequery.support.Tool;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Browser;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.StorageFaultTestSupport;
import io.asynctablequery.support.Wait;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * The monitor page (SPEC §9) in a real browser (headless Chromium) against the real app and Azurite, storage
 * behind the fault proxy so that a job can be slowed or held: start a query from the form, see it finish with
 * the count computed from the seeded rows, watch its progress bar move, terminate and purge from the page, a
 * phone-sized window. After each test: no console error, no request to another origin.
 */
@Needs(Tool.CHROME)
class MonitorPageTest extends StorageFaultTestSupport {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private Browser browser;
    private final AuditRows rows = new AuditRows();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("audit.scan-slice-days", "1"); // a page per day: the progress moves in steps
        properties.setProperty("audit.scan-parallelism", "1");
    }

    @BeforeAll
    void openBrowserAndSeed() {
        LocalDate day = LocalDate.of(2022, 3, 1);
        for (int i = 0; i < 40; i++) {
            rows.add(day.plusDays(i).toString(), "C", "id-" + (i % 17));
        }
        rows.add("2022-03-05", null, "no-cert");
        seed(rows);
        browser = new Browser();
    }

    @AfterAll
    void closeBrowser() {
        browser.close();
    }

    @AfterEach
    void theBrowserSawNoErrorAndStayedOnThisOrigin() {
        storage.pass();
        browser.resize(1280, 900);
        assertEquals(List.of(), browser.consoleErrors());
        URI base = URI.create(base());
        for (URI request : browser.requests()) {
            if (!"data".equals(request.getScheme())) { // the browser's own inline images are no request
                assertEquals(base.getScheme() + "://" + base.getAuthority(),
                        request.getScheme() + "://" + request.getAuthority(), "request to another origin");
            }
        }
    }

    @Test
    void theFormStartsAQueryAndItsRowShowsTheResult() {
        HttpResult page = get("/");
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Security-Policy").contains("connect-src 'self'"));
        assertTrue(page.header("Content-Security-Policy").contains("script-src 'self'"));
        assertEquals("nosniff", page.header("X-Content-Type-Options"));

        browser.driver.get(base() + "/");
        startFromTheForm("2022-03-01", "2022-03-20");
        String id = startedJob();
        JobRow shown = Wait.forValue("the job Completed on the page", DEADLINE, () -> jobRow(id),
                row -> row != null && "Completed".equals(row.state()));
        assertEquals(String.valueOf(rows.expectedCount("2022-03-01", "2022-03-20")), shown.result());
        assertTrue(shown.text().contains("Completed"), "the state is shown as text, not by colour alone");
        browser.screenshot("monitor-completed");
    }

    @Test
    void theProgressBarMovesWhileAJobRuns() {
        storage.delay(150); // every storage request takes a while: 40 one-day pages take seconds
        browser.driver.get(base() + "/");
        startFromTheForm("2022-03-01", "2022-04-09");
        String id = startedJob();
        Set<Integer> seen = new TreeSet<>();
        JobRow done = Wait.forValue("the job finished on the page", Duration.ofSeconds(90), () -> {
            JobRow row = jobRow(id);
            if (row != null) {
                seen.add(row.progress());
            }
            return row;
        }, row -> row != null && "Completed".equals(row.state()));
        browser.screenshot("monitor-progress-done");
        long between = seen.stream().filter(value -> value > 0 && value < 100).count();
        assertTrue(between >= 2, "progress values seen on the page: " + seen);
        assertEquals(String.valueOf(rows.expectedCount("2022-03-01", "2022-04-09")), done.result());
    }

    @Test
    void aRunningJobIsTerminatedFromThePage() {
        storage.stall(); // the job stays Running on a storage call that does not answer
        String id = submit("01/03/2022", "10/03/2022");
        awaitStatus(id, "Running");
        browser.driver.get(base() + "/");
        openDetail(id);
        browser.find("terminate").click();
        browser.driver.switchTo().alert().accept();
        Wait.until("Terminated on the page", DEADLINE, () -> "Terminated".equals(browser.jobState(id)));
        assertEquals("Terminated", get("/api/status/" + id).json().get("runtimeStatus").asText());
        browser.screenshot("monitor-terminated");
    }

    @Test
    void aRunningJobIsSuspendedAndResumedFromThePageWhichShowsItsHistory() {
        storage.delay(150); // 40 one-day pages take seconds
        String id = submit("01/03/2022", "09/04/2022");
        awaitStatus(id, "Running");
        browser.driver.get(base() + "/");
        openDetail(id);
        browser.find("suspend").click();
        browser.driver.switchTo().alert().accept();
        Wait.until("Suspended on the page", DEADLINE, () -> "Suspended".equals(browser.jobState(id)));
        assertEquals("Suspended", get("/api/status/" + id).json().get("runtimeStatus").asText());
        Wait.until("Resume offered", DEADLINE, () -> browser.find("resume").isDisplayed());
        browser.find("resume").click();
        browser.driver.switchTo().alert().accept();
        Wait.until("Completed on the page", Duration.ofSeconds(90), () -> "Completed".equals(browser.jobState(id)));
        assertEquals(rows.expectedCount("2022-03-01", "2022-04-09"),
                get("/api/status/" + id).json().get("result").asLong());
        Wait.until("the history on the page", DEADLINE, () -> historyEvents().equals(
                List.of("Submitted", "Started", "Suspended", "Resumed", "Started", "Completed")));
        assertTrue(browser.find("history-rows").getText().contains("From the monitor page"),
                browser.find("history-rows").getText());
        browser.screenshot("monitor-history");
    }

    @Test
    void aFinishedJobIsRestartedFromThePage() {
        String id = submit("01/03/2022", "04/03/2022");
        awaitFinished(id);
        browser.driver.get(base() + "/");
        openDetail(id);
        Wait.until("Restart offered", DEADLINE, () -> browser.find("restart").isDisplayed());
        browser.find("restart").click();
        browser.driver.switchTo().alert().accept();
        Wait.until("the page says it restarted", DEADLINE,
                () -> browser.find("message").getText().contains("restarted as job "));
        String text = browser.find("message").getText();
        String newId = text.substring(text.indexOf("as job ") + "as job ".length(), text.length() - 1);
        Wait.until("the new job Completed on the page", DEADLINE, () -> "Completed".equals(browser.jobState(newId)));
        assertEquals(rows.expectedCount("2022-03-01", "2022-03-04"),
                get("/api/status/" + newId).json().get("result").asLong());
    }

    @Test
    void aFinishedJobIsPurgedFromThePage() {
        String id = submit("01/03/2022", "03/03/2022");
        JsonNode done = awaitFinished(id);
        assertEquals("Completed", done.get("runtimeStatus").asText());
        browser.driver.get(base() + "/");
        openDetail(id);
        assertTrue(browser.find("detail-document").getText().contains("\"result\": "
                + rows.expectedCount("2022-03-01", "2022-03-03")), browser.find("detail-document").getText());
        browser.find("purge").click();
        browser.driver.switchTo().alert().accept();
        Wait.until("the row gone", DEADLINE, () -> browser.jobState(id) == null);
        assertEquals(404, get("/api/status/" + id).status());
    }

    @Test
    void theStateFilterShowsOnlyThatState() {
        String failed = submit("01/03/2022", "02/03/2022");
        awaitFinished(failed);
        storage.stall();
        String terminated = submit("01/03/2022", "02/03/2022");
        post("/api/status/" + terminated + "/terminate", "");
        storage.pass();
        browser.driver.get(base() + "/");
        Wait.until("rows shown", DEADLINE, () -> newest("text") != null);
        new Select(browser.find("state-filter")).selectByVisibleText("Terminated");
        Wait.until("only Terminated rows", DEADLINE, () -> Boolean.TRUE.equals(browser.script(
                "const states = [...document.querySelectorAll('#job-rows tr')].map(r => r.dataset.state);"
                        + "return states.length > 0 && states.every(s => s === 'Terminated');")));
        assertTrue(browser.jobState(terminated) != null, "the terminated job is listed");
        assertTrue(browser.jobState(failed) == null, "the completed job is filtered out");
    }

    @Test
    void moreJobsThanAPageArePagedWithTheContinuationToken() {
        for (int i = 0; i < 22; i++) {
            submit("01/03/2022", "02/03/2022");
        }
        int jobs = jobCount();
        browser.driver.get(base() + "/");
        Wait.until("a first page of 20 rows", DEADLINE, () -> rowCount() == 20);
        assertTrue(browser.find("more").isDisplayed(), "More is offered");
        while (browser.find("more").isDisplayed()) {
            int before = rowCount();
            browser.find("more").click();
            Wait.until("the next page", DEADLINE, () -> rowCount() > before);
        }
        assertEquals(jobs, rowCount());
        Object distinct = browser.script("return new Set([...document.querySelectorAll('#job-rows tr')]"
                + ".map(r => r.dataset.id)).size;");
        assertEquals(jobs, ((Number) distinct).intValue(), "no job twice");
    }

    @Test
    void onAPhoneThePageDoesNotScrollSideways() {
        submit("01/03/2022", "02/03/2022");
        browser.resize(375, 812);
        browser.driver.get(base() + "/");
        Wait.until("rows shown", DEADLINE, () -> newest("text") != null);
        Number overflow = (Number) browser.script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        browser.screenshot("monitor-phone");
        assertTrue(overflow.intValue() <= 0, "horizontal overflow of " + overflow + " px");
    }

    @Test
    void schedulesAreListedWithTheirNextRunAndArePausedUnpausedAndTriggeredFromThePage() {
        HttpResult created = post("/api/schedules", "{\"name\": \"March on the page\", \"cron\": \"0 6 * * *\", "
                + "\"timeZone\": \"Europe/Berlin\", \"range\": {\"s\": \"2022-03-01\", \"e\": \"2022-03-15\"}}",
                "Content-Type", "application/json");
        assertEquals(201, created.status(), created.toString());
        String id = created.json().get("id").asText();
        try {
            browser.driver.get(base() + "/");
            Wait.until("the schedule listed with its next run", DEADLINE, () -> {
                String next = scheduleCell(id, "Next run");
                return next != null && !next.isBlank();
            });
            assertTrue(scheduleCell(id, "When").contains("0 6 * * *"));

            clickSchedule(id, "schedule-pause");
            Wait.until("paused on the page", DEADLINE, () -> "true".equals(scheduleAttribute(id, "paused")));
            assertTrue(get("/api/schedules/" + id).json().get("paused").asBoolean());

            clickSchedule(id, "schedule-trigger");
            Wait.until("the page says the schedule started a job", DEADLINE,
                    () -> browser.find("message").getText().startsWith("Schedule March on the page started job "));
            String job = browser.find("message").getText().replace("Schedule March on the page started job ", "")
                    .replace(".", "");
            JobRow shown = Wait.forValue("the triggered job Completed on the page", DEADLINE, () -> jobRow(job),
                    row -> row != null && "Completed".equals(row.state()));
            assertEquals(String.valueOf(rows.expectedCount("2022-03-01", "2022-03-15")), shown.result());
            Wait.until("the job among the schedule's recent jobs", DEADLINE,
                    () -> { String recent = scheduleCell(id, "Recent jobs");
                        return recent != null && recent.contains(job.substring(0, 8)); });

            clickSchedule(id, "schedule-unpause");
            Wait.until("unpaused on the page", DEADLINE, () -> "false".equals(scheduleAttribute(id, "paused")));
            assertFalse(get("/api/schedules/" + id).json().get("paused").asBoolean());
            browser.screenshot("monitor-schedules");
        } finally {
            delete("/api/schedules/" + id);
        }
    }

    /** Clicks a schedule row's button (by class) in one step in the page: the list is drawn again now and then. */
    private void clickSchedule(String id, String buttonClass) {
        Wait.until("clicked " + buttonClass, DEADLINE, () -> Boolean.TRUE.equals(browser.script(
                "const b = document.querySelector(\"#schedule-rows tr[data-id='\" + arguments[0] + \"'] .\" + arguments[1]);"
                        + " if (!b) return false; b.click(); return true;", id, buttonClass)));
    }

    private String scheduleCell(String id, String label) {
        Object text = browser.script("const r = document.querySelector(\"#schedule-rows tr[data-id='\" + arguments[0]"
                + " + \"']\"); const c = r && r.querySelector(\"[data-label='\" + arguments[1] + \"']\");"
                + " return c ? c.textContent : null;", id, label);
        return text == null ? null : String.valueOf(text);
    }

    private String scheduleAttribute(String id, String name) {
        Object value = browser.script("const r = document.querySelector(\"#schedule-rows tr[data-id='\" + arguments[0]"
                + " + \"']\"); return r ? r.dataset[arguments[1]] : null;", id, name);
        return value == null ? null : String.valueOf(value);
    }

    private void startFromTheForm(String start, String end) {
        // Date inputs take the value in ISO form whatever the browser's locale shows.
        browser.script("document.getElementById('start').value = arguments[0];"
                + "document.getElementById('end').value = arguments[1];", start, end);
        browser.find("submit").click();
        Wait.until("the page says the job started", DEADLINE,
                () -> browser.find("message").getText().startsWith("Job "));
    }

    private void openDetail(String id) {
        // A running job's row is drawn again at each event: its button is found and clicked in one step, in the page.
        Wait.until("the job's row opened", DEADLINE, () -> Boolean.TRUE.equals(browser.script(
                "const b = document.querySelector(\"tr[data-id='\" + arguments[0] + \"'] button.job-link\");"
                        + " if (!b) return false; b.click(); return true;", id)));
        Wait.until("the job's detail", DEADLINE, () -> browser.find("detail-id").getText().equals(id));
    }

    private List<String> historyEvents() {
        Object events = browser.script("return [...document.querySelectorAll('#history-rows tr')]"
                + ".map(r => r.querySelector('[data-label=\"Event\"]').textContent);");
        return ((List<?>) events).stream().map(String::valueOf).toList();
    }

    private int rowCount() {
        return ((Number) browser.script("return document.querySelectorAll('#job-rows tr').length;")).intValue();
    }

    /** The id of the job the form started, from the page's message ("Job <id> started."). */
    private String startedJob() {
        return browser.find("message").getText().split(" ")[1];
    }

    /** What the page shows of one job's row. */
    private record JobRow(String state, String result, int progress, String text) {
    }

    /** The job's row, read whole in one step in the page (rows are redrawn as events arrive): null while it has none. */
    private JobRow jobRow(String id) {
        Object row = browser.script("const r = document.querySelector(\"tr[data-id='\" + arguments[0] + \"']\");"
                + " return r ? [r.dataset.state, r.querySelector('td.result').textContent,"
                + " String(r.querySelector('progress').value), r.textContent] : null;", id);
        if (row == null) {
            return null;
        }
        List<?> cells = (List<?>) row;
        return new JobRow(String.valueOf(cells.get(0)), String.valueOf(cells.get(1)),
                Integer.parseInt(String.valueOf(cells.get(2))), String.valueOf(cells.get(3)));
    }

    /** One thing of the newest row, read in the page (rows are redrawn as events arrive): null without rows. */
    private Object newest(String what) {
        return browser.script("const r = document.querySelector('#job-rows tr'); if (!r) return null;"
                + "switch (arguments[0]) {"
                + " case 'dataset.state': return r.dataset.state;"
                + " case 'result': return r.querySelector('td.result').textContent;"
                + " case 'progress': return String(r.querySelector('progress').value);"
                + " default: return r.textContent; }", what);
    }
}
