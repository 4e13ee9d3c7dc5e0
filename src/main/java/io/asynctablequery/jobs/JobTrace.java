package io.asynctablequery.jobs;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.function.BiConsumer;
import java.util.Map;

/**
 * The trace a job belongs to (SPEC §16): the W3C {@code traceparent} and {@code tracestate} of the span its submit ran
 * in, kept with the job (its record and its queue message), so that its worker's span on any instance, after a
 * hand-back or a takeover too, continues the caller's trace. Null when tracing is off or the submit had no span.
 */
public record JobTrace(String traceparent, String tracestate) {

    private static final TextMapGetter<Map<String, String>> FROM_MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    /** The current span's context; null without a recording span (tracing off costs one look at a thread local). */
    public static JobTrace current() {
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        String traceparent = carrier.get("traceparent");
        return traceparent == null ? null : new JobTrace(traceparent, carrier.get("tracestate"));
    }

    /** Writes the span's {@code traceparent} (and {@code tracestate}) with the setter; nothing for an invalid span. */
    public static void inject(Span span, BiConsumer<String, String> setter) {
        if (span.getSpanContext().isValid()) {
            W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), setter, BiConsumer::accept);
        }
    }

    /** A context whose parent is this trace's span (none: the root, a new trace). */
    public static Context parentOf(JobTrace trace) {
        if (trace == null) {
            return Context.root();
        }
        Map<String, String> carrier = new HashMap<>();
        carrier.put("traceparent", trace.traceparent());
        if (trace.tracestate() != null) {
            carrier.put("tracestate", trace.tracestate());
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, FROM_MAP);
    }
}
