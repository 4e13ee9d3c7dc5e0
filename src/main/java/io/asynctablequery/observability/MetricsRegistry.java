package io.asynctablequery.observability;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.spi.Registry;

/** The Micrometer registry that Camel's Prometheus service serves, where the {@code audit_*} meters go. */
public final class MetricsRegistry {

    private static final String NAME = "metricsRegistry";

    private MetricsRegistry() {
    }

    /** Camel's own when its metrics service has started, else one bound under its name, which that service takes. */
    public static synchronized PrometheusMeterRegistry of(Registry registry) {
        PrometheusMeterRegistry metrics = registry.lookupByNameAndType(NAME, PrometheusMeterRegistry.class);
        if (metrics == null) {
            metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(NAME, metrics);
        }
        return metrics;
    }
}
