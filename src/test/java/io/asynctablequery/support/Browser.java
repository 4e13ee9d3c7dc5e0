package io.asynctablequery.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real browser for the monitor page's tests: an installed Chrome or Chromium, headless, driven through its
 * chromedriver, both found by {@link ToolSearch} (Debian's /usr/bin/chromium and /usr/bin/chromedriver, which
 * .ci/run installs, among them). A test class that uses it is marked {@code @Needs(Tool.CHROME)}. It records the
 * console and every request the page makes, and saves screenshots under target/screenshots/.
 */
public final class Browser implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    public final ChromeDriver driver;

    public Browser() {
        ToolSearch search = ToolSearch.fromSystemProperties();
        Path chrome = search.chrome().orElseThrow(() -> new AssertionError("no browser: " + Tool.CHROME.install()));
        Path chromeDriver = search.chromeDriver()
                .orElseThrow(() -> new AssertionError("no chromedriver: " + Tool.CHROME.install()));
        ChromeOptions options = new ChromeOptions().setBinary(chrome.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        // no calls home: a machine without internet refuses them, many at a time
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run",
                        "--window-size=1280,900", "--lang=en-GB");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromeDriver.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    public WebElement find(String id) {
        return driver.findElement(By.id(id));
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** The state the monitor page shows for a job (its row's data-state), or null while it has no row for it. */
    public String jobState(String id) {
        Object state = script("const r = document.querySelector(\"tr[data-id='\" + arguments[0] + \"']\");"
                + " return r ? r.dataset.state : null;", id);
        return state == null ? null : state.toString();
    }

    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves what the browser shows as target/screenshots/{name}.png. */
    public void screenshot(String name) {
        try {
            Path file = Files.createDirectories(Path.of("target", "screenshots")).resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new AssertionError("screenshot " + name + " not saved", e);
        }
    }

    /** Console messages of level SEVERE (errors, failed loads, CSP violations) since the last call. */
    public List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(entry.getMessage());
            }
        }
        return errors;
    }

    /** The URLs the page requested since the last call (from Chromium's network log). */
    public List<URI> requests() {
        List<URI> urls = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                JsonNode message = JSON.readTree(entry.getMessage()).path("message");
                if ("Network.requestWillBeSent".equals(message.path("method").asText())) {
                    urls.add(URI.create(message.path("params").path("request").path("url").asText()));
                }
            } catch (IOException e) {
                throw new AssertionError("unreadable network log entry: " + entry.getMessage(), e);
            }
        }
        return urls;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
