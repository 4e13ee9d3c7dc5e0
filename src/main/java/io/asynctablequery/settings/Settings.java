package io.asynctablequery.settings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Reads the application's properties, failing at start-up with the property's name when one is wrong. Each
 * capability's configuration class reads its own settings with it and states their "Cannot start" rules.
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** The settings of a Camel context: its properties (application.properties, -D, the environment). */
    public static Settings of(CamelContext context) {
        return new Settings(context.getPropertiesComponent());
    }

    public String text(String name) {
        return properties.resolveProperty(name).orElseThrow(() -> new ConfigurationException(
                "Missing configuration property '" + name + "' (run from the project root, where "
                        + "application.properties is, or set it with -D" + name + "=...)"));
    }

    public String optionalText(String name) {
        return properties.resolveProperty(name).orElse("").strip();
    }

    public int number(String name, int min) {
        try {
            int value = Integer.parseInt(text(name).strip());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(name + " must be a whole number of at least " + min + ", not '"
                + text(name) + "'");
    }

    /** A blob container's name, as Azure allows it. */
    public String containerName(String name) {
        String container = text(name).strip();
        if (!container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
            throw new ConfigurationException(name + " must be a blob container name (3-63 lower-case letters, "
                    + "digits and single hyphens, starting and ending with a letter or digit), not '" + container + "'");
        }
        return container;
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(text(name).strip());
    }

    public Duration duration(String name) {
        try {
            Duration value = Duration.parse(text(name).strip());
            if (!value.isNegative()) {
                return value;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new ConfigurationException(name + " must be an ISO-8601 duration such as PT15M, not '" + text(name)
                + "'");
    }

    public String oneOf(String name, String... allowed) {
        String value = text(name).strip();
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return value;
            }
        }
        throw new ConfigurationException(name + " must be one of " + String.join(", ", allowed) + ", not '" + value
                + "'");
    }
}
