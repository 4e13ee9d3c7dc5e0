package io.asynctablequery.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds the tools of {@link Tool} the standard way: a path named in a setting first ({@code webdriver.chrome.driver},
 * Selenium's own; {@code chrome.binary} or {@code CHROME_BIN}), then the programs on the {@code PATH}, then where
 * Chrome installs itself on macOS and Windows. Nothing is downloaded (Selenium Manager would try, and our machines
 * reach no browser download site). The setting {@code tests.path} replaces the {@code PATH} and the usual places:
 * a test of the set-up hides every tool with it.
 */
public final class ToolSearch {

    /** Where to look instead of the PATH (path-separated directories). */
    public static final String PATH = "tests.path";

    private final Function<String, Optional<String>> settings;

    private ToolSearch(Function<String, Optional<String>> settings) {
        this.settings = settings;
    }

    /** A search reading these settings (e.g. JUnit's configuration parameters). */
    public static ToolSearch of(Function<String, Optional<String>> settings) {
        return new ToolSearch(settings);
    }

    /** A search reading the JVM's system properties. */
    public static ToolSearch fromSystemProperties() {
        return new ToolSearch(key -> Optional.ofNullable(System.getProperty(key)));
    }

    /** A program on the search path, e.g. podman. */
    public Optional<Path> program(String... names) {
        for (Path dir : directories()) {
            for (String name : names) {
                for (String file : List.of(name, name + ".exe")) {
                    Path candidate = dir.resolve(file);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return Optional.of(candidate);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The chromedriver: Selenium's {@code webdriver.chrome.driver}, else on the path. */
    public Optional<Path> chromeDriver() {
        Optional<String> named = settings.apply("webdriver.chrome.driver");
        if (named.isPresent()) {
            return executable(Path.of(named.get()));
        }
        return program("chromedriver");
    }

    /** The browser: {@code chrome.binary} or {@code CHROME_BIN}, else on the path, else where Chrome installs itself. */
    public Optional<Path> chrome() {
        Optional<String> named = settings.apply("chrome.binary").or(() -> Optional.ofNullable(System.getenv("CHROME_BIN")));
        if (named.isPresent()) {
            return executable(Path.of(named.get()));
        }
        Optional<Path> onPath = program("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome");
        if (onPath.isPresent() || settings.apply(PATH).isPresent()) {
            return onPath;
        }
        List<Path> usual = new ArrayList<>(List.of(
                Path.of("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
                Path.of("/Applications/Chromium.app/Contents/MacOS/Chromium")));
        for (String root : List.of("ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA")) {
            Optional.ofNullable(System.getenv(root))
                    .ifPresent(dir -> usual.add(Path.of(dir, "Google", "Chrome", "Application", "chrome.exe")));
        }
        return usual.stream().filter(Files::isExecutable).findFirst();
    }

    private List<Path> directories() {
        Optional<String> replaced = settings.apply(PATH);
        List<Path> dirs = new ArrayList<>();
        String path = replaced.orElseGet(() -> System.getenv().getOrDefault("PATH", ""));
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                dirs.add(Path.of(dir));
            }
        }
        if (replaced.isEmpty()) {
            dirs.addAll(List.of(Path.of("/usr/sbin"), Path.of("/sbin"))); // runc, where a user's PATH lacks them
        }
        return dirs;
    }

    private static Optional<Path> executable(Path path) {
        return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
}
