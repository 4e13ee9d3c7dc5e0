package io.asynctablequery.webhooks;

import io.asynctablequery.jobs.JobTrace;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.net.URI;

/**
 * One webhook delivery attempt as a span (SPEC §16), {@code webhook-delivery}, in the trace of the job it reports
 * (its {@link JobTrace}): the job id, the event id, the receiver's scheme, host and port (never its path or query,
 * which may hold its secret), the attempt, and its answer's status code. Its {@code traceparent} goes out with the
 * request, so a receiver may continue the trace. A no-op while tracing is off (the global OpenTelemetry is).
 */
final class WebhookSpans {

    private WebhookSpans() {
    }

    static Span start(WebhookDelivery delivery, int attempt) {
        URI url = URI.create(delivery.url());
        return GlobalOpenTelemetry.getTracer("async-table-query").spanBuilder("webhook-delivery")
                .setSpanKind(SpanKind.CLIENT)
                .setParent(JobTrace.parentOf(delivery.trace()))
                .setAttribute("job.id", delivery.jobId())
                .setAttribute("webhook.event_id", delivery.eventId())
                .setAttribute("webhook.attempt", attempt)
                .setAttribute("url.scheme", url.getScheme())
                .setAttribute("server.address", url.getHost())
                .setAttribute("server.port", url.getPort() < 0 ? ("https".equals(url.getScheme()) ? 443 : 80)
                        : url.getPort())
                .startSpan();
    }

    /** The attempt's end: delivered (a 2xx), or failed with the answer's status (null: none came). */
    static void end(Span span, boolean delivered, Integer statusCode) {
        if (span == null) {
            return;
        }
        if (statusCode != null) {
            span.setAttribute("http.response.status_code", statusCode);
        }
        if (!delivered) {
            span.setAttribute("error.type", statusCode == null ? "NoAnswer" : String.valueOf(statusCode))
                    .setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
