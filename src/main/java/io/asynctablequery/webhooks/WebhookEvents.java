package io.asynctablequery.webhooks;

import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobStore;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/**
 * A finished job with a {@code callbackUrl} becomes a webhook: the job store tells this bean of each finishing
 * write (on the instance that wrote it, so once per outcome), which hands the job to the route
 * {@code direct:job-finished}; there {@link #delivery} makes its CloudEvent 1.0 (structured JSON, built by the
 * CloudEvents SDK): {@code id} one per outcome (the same on every retry), {@code source} the job's absolute
 * status URL (under the scheme and host of the submit's links, which the job keeps),
 * {@code type} {@code io.asynctablequery.job.completed}, {@code .failed} or {@code .terminated}, {@code subject}
 * the job id, {@code time} when it finished, {@code data} the status document.
 */
public class WebhookEvents implements JobStore.Listener {

    static final String TYPE_PREFIX = "io.asynctablequery.job.";
    private static final EventFormat STRUCTURED = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    private final CamelContext camelContext;
    private final StatusDocuments documents;
    private volatile ProducerTemplate producer;

    public WebhookEvents(CamelContext camelContext, StatusDocuments documents) {
        this.camelContext = camelContext;
        this.documents = documents;
    }

    @Override
    public void changed(String id, Job job) {
        // only finishing writes make webhooks
    }

    @Override
    public void finished(Job job) {
        if (job.callbackUrl() != null) {
            producer().asyncSendBody("direct:job-finished", job);
        }
    }

    /** The delivery of a finished job's webhook. */
    public WebhookDelivery delivery(Job job) {
        String type = TYPE_PREFIX + job.status().name().toLowerCase(Locale.ROOT);
        // one per outcome: a job rewound or restarted under its id ends again, and that end is a new event
        String eventId = UUID.nameUUIDFromBytes((job.id() + "/" + job.status() + "/"
                + job.lastUpdatedTime().toEpochMilli()).getBytes(StandardCharsets.UTF_8)).toString();
        CloudEvent event = CloudEventBuilder.v1()
                .withId(eventId)
                .withSource(URI.create(source(job)))
                .withType(type)
                .withSubject(job.id())
                .withTime(job.lastUpdatedTime().atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(documents.statusJson(job))
                .build();
        return new WebhookDelivery(job.id(), job.callbackUrl(), eventId,
                new String(STRUCTURED.serialize(event), StandardCharsets.UTF_8), job.lastUpdatedTime(), job.trace());
    }

    /** A job kept by an earlier version has no link base: its status URL's path, a URI reference as CloudEvents allows. */
    private static String source(Job job) {
        return (job.linkBase() == null ? "" : job.linkBase()) + "/api/status/" + job.id();
    }

    private ProducerTemplate producer() {
        if (producer == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = camelContext.createProducerTemplate();
                }
            }
        }
        return producer;
    }
}
