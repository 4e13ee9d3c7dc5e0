package io.asynctablequery.webhooks;

import static io.asynctablequery.ExchangeProperties.WEBHOOK_ATTEMPT;
import static io.asynctablequery.ExchangeProperties.WEBHOOK_DELIVERY;
import static io.asynctablequery.ExchangeProperties.WEBHOOK_MESSAGE_ID;
import static io.asynctablequery.ExchangeProperties.WEBHOOK_POP_RECEIPT;
import static io.asynctablequery.ExchangeProperties.WEBHOOK_SPAN;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.azure.storage.queue.QueueClient;
import io.asynctablequery.jobs.CallbackDelivery;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.jobs.JobTrace;
import io.opentelemetry.api.trace.Span;
import io.asynctablequery.json.Json;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import io.asynctablequery.storage.BackOff;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each attempt of a webhook delivery: checked again where it goes (the name's addresses now), signed, and its
 * outcome written to the job's status document. A delivery that gets no 2xx is tried again with exponential
 * back-off until {@code api.webhook-retry-for} after the job finished: in one process by Camel's redelivery
 * (asynchronous, no thread held while waiting), with the storage queue by the message's visibility. A callback
 * refused at delivery (its host now resolves to an internal address) is not tried again. Nothing of the
 * receiver's answer but its status code is kept or logged.
 */
public class WebhookDeliveries {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveries.class);
    /** Between attempts of one delivery: from 5 s up to 5 minutes. */
    private static final BackOff RETRY = new BackOff(Duration.ofSeconds(5), Duration.ofMinutes(5));

    private final JobStore store;
    private final CallbackPolicy policy;
    private final WebhookSigner signer;
    private final Duration retryFor;
    private final QueueClient queue;

    /** @param queue the delivery queue in queue mode; null in one process */
    public WebhookDeliveries(JobStore store, CallbackPolicy policy, WebhookSigner signer, Duration retryFor,
                             QueueClient queue) {
        this.store = store;
        this.policy = policy;
        this.signer = signer;
        this.retryFor = retryFor;
        this.queue = queue;
    }

    /** Checks the destination and makes the request: the event, signed, to the callback URL, nothing else. */
    public void prepare(Exchange exchange) {
        WebhookDelivery delivery = exchange.getProperty(WEBHOOK_DELIVERY, WebhookDelivery.class);
        policy.checkResolved(URI.create(delivery.url()));
        long timestamp = Instant.now().getEpochSecond();
        Message message = exchange.getMessage();
        message.removeHeaders("*", "CamelRedelivery*"); // only what the receiver is meant to see; keep the count
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.HTTP_URI, delivery.url());
        message.setHeader(Exchange.CONTENT_TYPE, "application/cloudevents+json");
        message.setHeader("webhook-id", delivery.eventId());
        message.setHeader("webhook-timestamp", String.valueOf(timestamp));
        message.setHeader("webhook-signature", signer.signature(delivery.eventId(), timestamp, delivery.event()));
        message.setBody(delivery.event());
        Span span = WebhookSpans.start(delivery, attempt(exchange, false));
        exchange.setProperty(WEBHOOK_SPAN, span);
        JobTrace.inject(span, message::setHeader); // the receiver may continue the trace (none while tracing is off)
    }

    /** A 2xx came back. */
    public void delivered(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        record(exchange, CallbackDelivery.DELIVERED, status, attempt(exchange, false));
        exchange.getMessage().setBody(null); // the receiver's answer goes no further
    }

    /**
     * An attempt failed (one process: Camel's redelivery asks before each retry).
     *
     * @return whether to try again
     */
    public boolean retryable(Exchange exchange) {
        int attempt = attempt(exchange, true);
        boolean again = mayRetry(exchange, attempt);
        record(exchange, again ? CallbackDelivery.PENDING : CallbackDelivery.FAILED, failedStatus(exchange), attempt);
        return again;
    }

    /** Retries are over (one process): the outcome was written by {@link #retryable}. */
    public void abandoned(Exchange exchange) {
        WebhookDelivery delivery = exchange.getProperty(WEBHOOK_DELIVERY, WebhookDelivery.class);
        LOG.warn("Webhook of job {} abandoned", delivery.jobId());
    }

    /**
     * An attempt failed (queue mode): within the retry period the message comes back after the back-off (its
     * visibility is set to it, so the consumer's own delete misses it); after it, the delivery has failed.
     */
    public void retryLater(Exchange exchange) {
        int attempt = attempt(exchange, true);
        boolean again = mayRetry(exchange, attempt);
        record(exchange, again ? CallbackDelivery.PENDING : CallbackDelivery.FAILED, failedStatus(exchange), attempt);
        if (again) {
            queue.updateMessage(exchange.getProperty(WEBHOOK_MESSAGE_ID, String.class),
                    exchange.getProperty(WEBHOOK_POP_RECEIPT, String.class), null, RETRY.delay(attempt));
        } else {
            abandoned(exchange);
        }
    }

    /** The delivery as a queue message (JSON), and back. */
    public String toMessage(WebhookDelivery delivery) throws JsonProcessingException {
        return Json.MAPPER.writeValueAsString(delivery);
    }

    /** Reads a delivery message, keeping what retrying it needs: its id, receipt and dequeue count (the attempt). */
    public void fromMessage(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getIn();
        exchange.setProperty(WEBHOOK_DELIVERY, Json.MAPPER.readValue(in.getBody(String.class), WebhookDelivery.class));
        exchange.setProperty(WEBHOOK_MESSAGE_ID, in.getHeader("CamelAzureStorageQueueMessageId", String.class));
        exchange.setProperty(WEBHOOK_POP_RECEIPT, in.getHeader("CamelAzureStorageQueuePopReceipt", String.class));
        exchange.setProperty(WEBHOOK_ATTEMPT, in.getHeader("CamelAzureStorageQueueDequeueCount", 1, Integer.class));
    }

    private boolean mayRetry(Exchange exchange, int attempt) {
        WebhookDelivery delivery = exchange.getProperty(WEBHOOK_DELIVERY, WebhookDelivery.class);
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        if (failure instanceof RefusedCallbackException refused) {
            LOG.warn("Webhook of job {} not delivered: {}", delivery.jobId(), refused.getMessage());
            return false;
        }
        LOG.info("Webhook of job {}: attempt {} failed ({})", delivery.jobId(), attempt,
                failedStatus(exchange) == null ? "no answer" : "HTTP " + failedStatus(exchange));
        return Instant.now().isBefore(delivery.finishedAt().plus(retryFor));
    }

    private void record(Exchange exchange, String status, Integer statusCode, int attempt) {
        WebhookDelivery delivery = exchange.getProperty(WEBHOOK_DELIVERY, WebhookDelivery.class);
        CallbackDelivery outcome = new CallbackDelivery(status, attempt, statusCode, Instant.now());
        WebhookSpans.end(exchange.getProperty(WEBHOOK_SPAN, Span.class), CallbackDelivery.DELIVERED.equals(status),
                statusCode);
        exchange.removeProperty(WEBHOOK_SPAN);
        try {
            store.update(delivery.jobId(), job -> job.withCallback(outcome));
        } catch (RuntimeException e) {
            LOG.debug("Outcome of the webhook of job {} not written: {}", delivery.jobId(), e.toString());
        }
    }

    /**
     * Which attempt this is: the queue's dequeue count; in one process, Camel's redelivery counter, which
     * counts the failed attempts when a failure is handled and the redeliveries before it during an attempt.
     */
    private static int attempt(Exchange exchange, boolean failed) {
        Integer dequeued = exchange.getProperty(WEBHOOK_ATTEMPT, Integer.class);
        if (dequeued != null) {
            return dequeued;
        }
        return (failed ? 0 : 1) + exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
    }

    private static Integer failedStatus(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        return failure instanceof HttpOperationFailedException http ? http.getStatusCode() : null;
    }
}
