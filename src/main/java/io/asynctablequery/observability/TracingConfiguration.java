package io.asynctablequery.observability;

import com.azure.core.util.Configuration;
import com.azure.monitor.opentelemetry.autoconfigure.AzureMonitorAutoConfigure;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import io.asynctablequery.threads.ThreadPools;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Tracing (SPEC §16), first of the configuration classes: on only when {@code OTEL_TRACES_EXPORTER} (or
 * {@code otel.traces.exporter}) names an exporter other than {@code none}, or when
 * {@code APPLICATIONINSIGHTS_CONNECTION_STRING} (or {@code applicationinsights.connection.string}) is set, which sends
 * to Azure Monitor alone unless exporters are named; otherwise nothing is built, bound or logged. When on, the
 * OpenTelemetry SDK is configured the standard way ({@code OTEL_*} variables, {@code otel.*} system properties; its
 * metrics and logs exporters default to none) and Camel's own tracer ({@code camel-opentelemetry2}) takes it from the
 * registry: a span per route and per endpoint an exchange is sent to, a submit's {@code traceparent} continued. The
 * timers' routes (every second: the schedules) are not traced.
 */
public class TracingConfiguration implements CamelConfiguration {

    static final String EXPORTER_PROPERTY = "otel.traces.exporter";
    static final String EXPORTER_VARIABLE = "OTEL_TRACES_EXPORTER";
    static final String CONNECTION_STRING_PROPERTY = "applicationinsights.connection.string";
    static final String CONNECTION_STRING_VARIABLE = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /**
     * Whether tracing is on: a traces exporter other than {@code none} is named, or Application Insights' connection
     * string is set and no exporter is named (a named {@code none} turns it off). A system property wins over the
     * variable.
     */
    static boolean on(Map<String, String> environment, Properties system) {
        String exporter = named(environment, system, EXPORTER_VARIABLE, EXPORTER_PROPERTY);
        return exporter != null ? !"none".equalsIgnoreCase(exporter) : azureMonitor(environment, system);
    }

    /** Whether Application Insights' connection string is set (then Azure Monitor's exporter is the default). */
    static boolean azureMonitor(Map<String, String> environment, Properties system) {
        return named(environment, system, CONNECTION_STRING_VARIABLE, CONNECTION_STRING_PROPERTY) != null;
    }

    private static String named(Map<String, String> environment, Properties system, String variable,
                                String property) {
        String value = system.getProperty(property, environment.get(variable));
        return value == null || value.isBlank() ? null : value.strip();
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        if (!on(System.getenv(), System.getProperties())) {
            // Off: the global instance (which the Azure SDK's tracing plugin and the job spans ask) is the no-op one,
            // set before anyone asks, so that OpenTelemetry's own look for an SDK to configure logs nothing.
            // (set, not isSet: Camel JBang puts an older OpenTelemetry API on the class path, which lacks isSet)
            try {
                GlobalOpenTelemetry.set(OpenTelemetry.noop());
            } catch (IllegalStateException alreadySet) {
                // asked or set before (another context in this JVM): it stays as it is
            }
            // and the Azure SDK's tracing plugin is not asked at each storage call (a tenth of a submit's throughput
            // with its job, measured against the app from before tracing); clients are built after this class runs
            Configuration.getGlobalConfiguration().put(Configuration.PROPERTY_AZURE_TRACING_DISABLED, "true");
            return;
        }
        AutoConfiguredOpenTelemetrySdkBuilder builder = AutoConfiguredOpenTelemetrySdk.builder();
        String connectionString = named(System.getenv(), System.getProperties(), CONNECTION_STRING_VARIABLE,
                CONNECTION_STRING_PROPERTY);
        if (connectionString != null) {
            // Azure's distribution: its exporter is the traces exporter unless OTEL_TRACES_EXPORTER names others
            // (then "azure_monitor" in that list adds it); first, so that its exporter is built before it is wrapped.
            // The connection string is handed over: 1.2.0 reads it from the configuration for the exporter but not
            // for its own usage reports, which then fail at start.
            AzureMonitorAutoConfigure.customize(builder, connectionString);
        }
        OpenTelemetrySdk sdk = builder
                .addPropertiesSupplier(() -> Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none",
                        "otel.service.name", "async-table-query"))
                .addSpanExporterCustomizer((exporter, config) -> new QueryStringsLeftOut(
                        JobDimensions.isAzureMonitor(exporter) ? new JobDimensions(exporter) : exporter))
                .disableShutdownHook()
                .setResultAsGlobal() // the Azure SDK's tracing plugin and the job spans take the global one
                .build()
                .getOpenTelemetrySdk();
        context.getRegistry().bind("openTelemetry", sdk);
        context.getRegistry().bind("openTelemetryTracer", sdk.getTracer("async-table-query"));
        context.getRegistry().bind("openTelemetryPropagators", sdk.getPropagators());
        TraceIdsInLogs.tracingOn();
        ThreadPools.of(context).carryTraces();
        CamelTracer tracer = new CamelTracer();
        // timers tick every second (schedules); the webhook's HTTP call is the delivery's own span, whose attributes
        // leave the callback's path and query out (Camel's would name the whole URL)
        tracer.setExcludePatterns("timer*,vertx-http*,direct*,seda*");
        tracer.init(context);
        // the spans still waiting are sent when the context stops
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                sdk.shutdown().join(10, TimeUnit.SECONDS);
            }
        }, true, true);
    }
}
