package io.asynctablequery.observability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;

/**
 * Camel's OpenTelemetry tracer ({@code camel-opentelemetry2}) with its exclude patterns looked up once per endpoint:
 * Camel matches every route start and every send against each pattern, normalizing the endpoint's URI each time,
 * which was a quarter of a traced status request's CPU (a JFR profile under wrk). The answer for a URI never changes;
 * at most {@value #REMEMBERED} URIs are remembered (a dynamic {@code toD} could make many), the rest are matched as
 * Camel does.
 */
final class CamelTracer extends OpenTelemetryTracer {

    static final int REMEMBERED = 1_000;
    private final Map<String, Boolean> excluded = new ConcurrentHashMap<>();

    @Override
    public boolean exclude(String endpointUri, CamelContext context) {
        if (endpointUri == null) {
            return false;
        }
        Boolean known = excluded.get(endpointUri);
        if (known != null) {
            return known;
        }
        boolean exclude = super.exclude(endpointUri, context);
        if (excluded.size() < REMEMBERED) {
            excluded.put(endpointUri, exclude);
        }
        return exclude;
    }
}
