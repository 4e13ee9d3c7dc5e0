package io.asynctablequery.settings;

/**
 * A setting the instance cannot start with: its message names the setting and what is wrong, and is all that
 * the start-up prints (no stack trace).
 */
public class ConfigurationException extends IllegalStateException {

    public ConfigurationException(String message) {
        super(message);
    }
}
