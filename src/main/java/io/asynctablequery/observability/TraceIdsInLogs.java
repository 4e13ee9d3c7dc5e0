package io.asynctablequery.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the current span's {@code trace_id} and {@code span_id} into the MDC of the thread that logs, so that each
 * JSON log line (logback.xml) carries them in its {@code mdc} (SPEC §16); a line logged outside any span has none.
 * Asked on every log call, it does nothing until tracing is turned on ({@link TracingConfiguration}). OpenTelemetry's
 * own logback MDC appender was tried: it replaces the line's context properties, and with them its {@code INSTANCE}.
 */
public final class TraceIdsInLogs extends TurboFilter {

    static final String TRACE_ID = "trace_id";
    static final String SPAN_ID = "span_id";
    private static volatile boolean tracing;

    static void tracingOn() {
        tracing = true;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        // only for a line that will be written (the level check without the turbo filters, which would ask this one)
        if (tracing && level != null && level.isGreaterOrEqual(logger.getEffectiveLevel())) {
            SpanContext span = Span.current().getSpanContext();
            if (span.isValid()) {
                MDC.put(TRACE_ID, span.getTraceId());
                MDC.put(SPAN_ID, span.getSpanId());
            } else if (MDC.get(TRACE_ID) != null) {
                MDC.remove(TRACE_ID);
                MDC.remove(SPAN_ID);
            }
        }
        return FilterReply.NEUTRAL;
    }
}
