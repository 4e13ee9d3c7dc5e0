package io.asynctablequery;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Lets an environment variable beat {@code application.properties} for each {@code camel.*} setting the file
 * holds ({@code CAMEL_SERVER_PORT} for {@code camel.server.port}), as it does for the application's own
 * settings: Camel Main takes its server's and management's options from the file over the environment, so a
 * container configured by environment alone would listen on the file's port while its routes look for
 * another. A {@code -D} option still beats both.
 */
final class CamelSettingsFromEnvironment {

    private CamelSettingsFromEnvironment() {
    }

    static void apply(Path file, Map<String, String> environment) {
        Properties fromFile = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            fromFile.load(reader);
        } catch (IOException e) {
            return; // no file: Camel Main reports it
        }
        for (String name : fromFile.stringPropertyNames()) {
            String value = environment.get(name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            if (name.startsWith("camel.") && value != null && System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        }
    }
}
