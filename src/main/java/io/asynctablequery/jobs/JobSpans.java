package io.asynctablequery.jobs;

import io.asynctablequery.query.Progress;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;

/**
 * A job's run as a span (SPEC §16), {@code audit-job}: a child of the span its submit ran in (its {@link JobTrace}),
 * on whichever instance runs it, with a link to the span that delivered it (the queue consumer's route) when that is
 * another trace. Attributes: the job id, its range and days, and at its end the counts, or the error code. The scan's
 * slices and the Azure SDK's calls, made while it is current, are its children. The global OpenTelemetry is the SDK
 * when tracing is on ({@code observability/TracingConfiguration}); otherwise a no-op, and so are these spans.
 */
final class JobSpans {

    private JobSpans() {
    }

    static Span start(Job job) {
        SpanBuilder builder = GlobalOpenTelemetry.getTracer("async-table-query").spanBuilder("audit-job")
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(JobTrace.parentOf(job.trace()))
                .setAttribute("job.id", job.id())
                .setAttribute("job.range.start", job.input().start().toString())
                .setAttribute("job.range.end", job.input().end().toString())
                .setAttribute("job.days", job.input().days());
        SpanContext delivery = Span.current().getSpanContext();
        String parentTrace = Span.fromContext(JobTrace.parentOf(job.trace())).getSpanContext().getTraceId();
        if (delivery.isValid() && !delivery.getTraceId().equals(parentTrace)) {
            builder.addLink(delivery);
        }
        return builder.startSpan();
    }

    static void end(Span span, ScanOutcome outcome) {
        if (outcome instanceof ScanOutcome.Counted counted) {
            Progress progress = counted.result().progress();
            span.setAttribute("job.result", counted.result().distinctCount())
                    .setAttribute("job.entities_scanned", progress.entitiesScanned())
                    .setAttribute("job.entities_skipped", progress.entitiesSkipped())
                    .setAttribute("job.days_from_summaries", progress.partitionsFromSummaries())
                    .setAttribute("job.days_from_checkpoint", progress.partitionsFromCheckpoint());
        } else if (outcome instanceof ScanOutcome.Failed failed) {
            span.setAttribute("error.type", failed.error().code()).setStatus(StatusCode.ERROR, failed.error().code());
        } else if (outcome instanceof ScanOutcome.Crashed) {
            span.setAttribute("error.type", JobError.INTERNAL).setStatus(StatusCode.ERROR, JobError.INTERNAL);
        } else if (outcome instanceof ScanOutcome.Stopped) {
            span.setAttribute("job.stopped", true);
        }
        span.end();
    }
}
