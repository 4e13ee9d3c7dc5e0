package io.asynctablequery.observability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** When tracing is on (SPEC §16): an exporter named, or Application Insights' connection string set. */
class TracingSwitchTest {

    private static final String CONNECTION = "InstrumentationKey=00000000-0000-0000-0000-000000000001;"
            + "IngestionEndpoint=http://127.0.0.1:1/";

    @Test
    void offWhenNothingIsNamedOrOnlyNone() {
        assertFalse(TracingConfiguration.on(Map.of(), new Properties()));
        assertFalse(TracingConfiguration.on(Map.of("OTEL_TRACES_EXPORTER", "none"), new Properties()));
        assertFalse(TracingConfiguration.on(Map.of("OTEL_TRACES_EXPORTER", " "), new Properties()));
        assertFalse(TracingConfiguration.on(Map.of("APPLICATIONINSIGHTS_CONNECTION_STRING", ""), new Properties()));
    }

    @Test
    void onWhenAnExporterIsNamedByTheVariableOrTheProperty() {
        assertTrue(TracingConfiguration.on(Map.of("OTEL_TRACES_EXPORTER", "otlp"), new Properties()));
        assertTrue(TracingConfiguration.on(Map.of(), properties("otel.traces.exporter", "otlp")));
        // the property wins over the variable
        assertFalse(TracingConfiguration.on(Map.of("OTEL_TRACES_EXPORTER", "otlp"),
                properties("otel.traces.exporter", "none")));
    }

    @Test
    void onWithApplicationInsightsConnectionStringUnlessNoneIsNamed() {
        assertTrue(TracingConfiguration.on(Map.of("APPLICATIONINSIGHTS_CONNECTION_STRING", CONNECTION),
                new Properties()));
        assertTrue(TracingConfiguration.on(Map.of(), properties("applicationinsights.connection.string", CONNECTION)));
        assertTrue(TracingConfiguration.azureMonitor(Map.of("APPLICATIONINSIGHTS_CONNECTION_STRING", CONNECTION),
                new Properties()));
        assertFalse(TracingConfiguration.on(Map.of("APPLICATIONINSIGHTS_CONNECTION_STRING", CONNECTION,
                "OTEL_TRACES_EXPORTER", "none"), new Properties()));
    }

    private static Properties properties(String key, String value) {
        Properties properties = new Properties();
        properties.setProperty(key, value);
        return properties;
    }
}
