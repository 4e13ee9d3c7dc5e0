package io.asynctablequery.observability;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationExtractor;
import org.apache.camel.telemetry.decorators.PlatformHttpSpanDecorator;

/**
 * The span of each API request (Camel's {@code platform-http} routes), named {@code METHOD route} (as in
 * {@code GET /api/status/{id}}) with the HTTP attributes of OpenTelemetry's conventions and nothing more:
 * {@code http.request.method}, {@code http.route}, {@code url.path} (never the query, which may hold an API key or a
 * callback's secret), {@code http.response.status_code}, and {@code error.type} when the route failed. Camel's own
 * decorator adds the exchange id, the endpoint URI twice over and the whole request URL, about 500 bytes a span that
 * every status request paid for. Found by Camel's tracer through {@code META-INF/services}: a decorator that extends
 * Camel's one for a component replaces it.
 */
public final class ApiSpans extends PlatformHttpSpanDecorator {

    @Override
    public String getOperationName(Exchange exchange, Endpoint endpoint) {
        return getHttpMethod(exchange, endpoint) + " " + route(endpoint);
    }

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        span.setTag("http.request.method", getHttpMethod(exchange, endpoint));
        span.setTag("http.route", route(endpoint));
        Object uri = exchange.getIn().getHeader(Exchange.HTTP_URI);
        if (uri instanceof String text) {
            int query = text.indexOf('?');
            span.setTag("url.path", query < 0 ? text : text.substring(0, query));
        }
    }

    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        Message answer = exchange.getMessage();
        Object status = answer == null ? null : answer.getHeader(Exchange.HTTP_RESPONSE_CODE);
        if (status != null) {
            span.setTag("http.response.status_code", status.toString());
        }
        if (exchange.isFailed()) {
            span.setError(true);
            if (exchange.getException() != null) {
                span.setTag("error.type", exchange.getException().getClass().getName());
            }
        }
    }

    /** Reads the caller's {@code traceparent}, {@code tracestate} and {@code baggage} from the request's headers. */
    @Override
    public SpanContextPropagationExtractor getExtractor(Exchange exchange) {
        Map<String, Object> headers = exchange.getIn().getHeaders(); // case-insensitive already
        return new SpanContextPropagationExtractor() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                return headers.entrySet().iterator();
            }

            @Override
            public Object get(String key) {
                return headers.get(key);
            }

            @Override
            public Set<String> keys() {
                return headers.keySet();
            }
        };
    }

    private static String route(Endpoint endpoint) {
        return endpoint instanceof PlatformHttpEndpoint http ? http.getPath() : stripSchemeAndOptions(endpoint);
    }
}
