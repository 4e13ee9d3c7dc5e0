package io.asynctablequery.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * Sends the job's attributes to Application Insights as custom dimensions it keeps: Azure Monitor's exporter leaves
 * out every span attribute under {@code job.} (a prefix it reserves for a proposed convention), and with it the job
 * id. Each {@code job.x} is sent as {@code audit.job.x} as well, so that {@code customDimensions["audit.job.id"]}
 * finds a job's requests. Wraps Azure Monitor's exporter only.
 */
final class JobDimensions implements SpanExporter {

    static final String PREFIX = "job.";
    static final String KEPT_AS = "audit.";

    private final SpanExporter exporter;

    JobDimensions(SpanExporter exporter) {
        this.exporter = exporter;
    }

    /** Whether the exporter is Azure Monitor's (its class is not public API; its package is). */
    static boolean isAzureMonitor(SpanExporter exporter) {
        return exporter.getClass().getName().startsWith("com.azure.monitor.");
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return exporter.export(spans.stream().map(span -> hasJob(span.getAttributes()) ? new Copied(span) : span)
                .toList());
    }

    @Override
    public CompletableResultCode flush() {
        return exporter.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return exporter.shutdown();
    }

    static boolean hasJob(Attributes attributes) {
        return attributes.asMap().keySet().stream().anyMatch(key -> key.getKey().startsWith(PREFIX));
    }

    static Attributes withCopies(Attributes attributes) {
        AttributesBuilder all = attributes.toBuilder();
        attributes.forEach((key, value) -> {
            if (key.getKey().startsWith(PREFIX)) {
                @SuppressWarnings("unchecked")
                AttributeKey<Object> copy = (AttributeKey<Object>) copyOf(key);
                all.put(copy, value);
            }
        });
        return all.build();
    }

    private static AttributeKey<?> copyOf(AttributeKey<?> key) {
        String name = KEPT_AS + key.getKey();
        return switch (key.getType()) {
            case BOOLEAN -> AttributeKey.booleanKey(name);
            case LONG -> AttributeKey.longKey(name);
            case DOUBLE -> AttributeKey.doubleKey(name);
            case STRING_ARRAY -> AttributeKey.stringArrayKey(name);
            case BOOLEAN_ARRAY -> AttributeKey.booleanArrayKey(name);
            case LONG_ARRAY -> AttributeKey.longArrayKey(name);
            case DOUBLE_ARRAY -> AttributeKey.doubleArrayKey(name);
            default -> AttributeKey.stringKey(name);
        };
    }

    private static final class Copied extends DelegatingSpanData {
        private final Attributes attributes;

        Copied(SpanData span) {
            super(span);
            this.attributes = withCopies(span.getAttributes());
        }

        @Override
        public Attributes getAttributes() {
            return attributes;
        }

        @Override
        public int getTotalAttributeCount() {
            return attributes.size();
        }
    }
}
