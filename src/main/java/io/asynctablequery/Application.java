package io.asynctablequery;

import io.asynctablequery.settings.ConfigurationException;
import java.nio.file.Path;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the application with Camel Main, reading {@code ./application.properties}. */
public final class Application {

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        CamelSettingsFromEnvironment.apply(Path.of("application.properties"), System.getenv());
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:application.properties");
        try {
            main.run(args);
        } catch (Exception e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConfigurationException wrong) {
                    LOG.error("Cannot start: {}", wrong.getMessage()); // the setting says it all: no stack trace
                    System.exit(2);
                }
            }
            throw e;
        }
    }
}
