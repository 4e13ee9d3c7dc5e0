package io.asynctablequery.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.Set;

/**
 * Sends spans on without any URL's query string (SPEC §16): Camel's HTTP span attributes name the whole request URL,
 * and a query may hold an API key ({@code code=}) or a callback's secret. Every text attribute is cut at its
 * {@code ?}; {@code url.query} and {@code http.query} are left out. Wraps whichever exporter is configured; a span
 * with neither goes on as it is.
 */
final class QueryStringsLeftOut implements SpanExporter {

    private static final Set<String> QUERIES = Set.of("url.query", "http.query");

    private final SpanExporter exporter;

    QueryStringsLeftOut(SpanExporter exporter) {
        this.exporter = exporter;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return exporter.export(spans.stream().map(span -> hasQuery(span.getAttributes()) ? new Scrubbed(span) : span)
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

    /** Whether an attribute is a query or holds a {@code ?} (most spans have neither and go on as they are). */
    static boolean hasQuery(Attributes attributes) {
        boolean[] found = {false};
        attributes.forEach((key, value) -> found[0] |= QUERIES.contains(key.getKey())
                || value instanceof String text && text.indexOf('?') >= 0);
        return found[0];
    }

    static Attributes withoutQueries(Attributes attributes) {
        AttributesBuilder kept = Attributes.builder();
        attributes.forEach((key, value) -> {
            if (QUERIES.contains(key.getKey())) {
                return;
            }
            if (value instanceof String text && text.indexOf('?') >= 0) {
                kept.put(AttributeKey.stringKey(key.getKey()), text.substring(0, text.indexOf('?')));
            } else {
                @SuppressWarnings("unchecked")
                AttributeKey<Object> same = (AttributeKey<Object>) key;
                kept.put(same, value);
            }
        });
        return kept.build();
    }

    private static final class Scrubbed extends DelegatingSpanData {
        private final Attributes attributes;

        Scrubbed(SpanData span) {
            super(span);
            this.attributes = withoutQueries(span.getAttributes());
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
