package io.asynctablequery.support;

import java.util.ArrayList;
import java.util.List;

/**
 * A tool some tests need beyond JDK 17, Maven and Node/npm: what it is, how to find it ({@link ToolSearch}) and
 * how to install it. A test class that needs one says so with {@link Needs}.
 */
public enum Tool {

    /** The monitor page's tests drive a real browser. */
    CHROME("apt-get install -y chromium chromium-driver (Debian); elsewhere install Chrome or Chromium and "
            + "the chromedriver of its version, on the PATH or named by -Dwebdriver.chrome.driver=… and "
            + "-Dchrome.binary=… (or CHROME_BIN)"),
    /** The container tests build and run the image. */
    PODMAN("apt-get install -y podman runc mmdebstrap (Debian; .ci/run does)");

    private final String install;

    Tool(String install) {
        this.install = install;
    }

    /** How to install it. */
    public String install() {
        return install;
    }

    /** What of this tool is missing here (empty when it is all present). */
    public List<String> missing(ToolSearch search) {
        List<String> missing = new ArrayList<>();
        switch (this) {
            case CHROME -> {
                if (search.chrome().isEmpty()) {
                    missing.add("a Chrome or Chromium browser");
                }
                if (search.chromeDriver().isEmpty()) {
                    missing.add("chromedriver");
                }
            }
            case PODMAN -> {
                for (String program : List.of("podman", "runc", "mmdebstrap")) {
                    if (search.program(program).isEmpty()) {
                        missing.add(program);
                    }
                }
            }
        }
        return missing;
    }
}
