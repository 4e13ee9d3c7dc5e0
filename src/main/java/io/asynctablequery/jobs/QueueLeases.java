package io.asynctablequery.jobs;

import static io.asynctablequery.ExchangeProperties.QUEUE_LEASE;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.models.QueueStorageException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a job's queue message invisible while its worker lives: the visibility
 * ({@code jobs.queue-visibility-timeout}) is extended at half its length, so a long query is never
 * delivered to a second live worker, while a dead worker's message reappears within one timeout.
 * Each extension changes the message's pop receipt; the lease keeps the newest one and deletes the
 * message with it when the job is done (the consumer's own delete, with the first receipt, then finds
 * nothing; the SDK logs that 404 once per such long job).
 */
public class QueueLeases {

    private static final Logger LOG = LoggerFactory.getLogger(QueueLeases.class);
    static final String MESSAGE_ID = "CamelAzureStorageQueueMessageId";
    static final String POP_RECEIPT = "CamelAzureStorageQueuePopReceipt";

    private final QueueClient queue;
    private final Duration visibility;
    private final ScheduledExecutorService renewals;
    private final Shutdown shutdown;

    /** @param renewals extends the leases (one thread is enough: each extension is one short call) */
    public QueueLeases(QueueClient queue, Duration visibility, Shutdown shutdown, ScheduledExecutorService renewals) {
        this.shutdown = shutdown;
        this.queue = queue;
        this.visibility = visibility;
        this.renewals = renewals;
    }

    /** Starts extending the visibility of the exchange's message. */
    public void hold(Exchange exchange) {
        Lease lease = new Lease(exchange.getIn().getHeader(MESSAGE_ID, String.class),
                exchange.getIn().getHeader(POP_RECEIPT, String.class));
        long every = Math.max(200, visibility.toMillis() / 2);
        lease.renewal = renewals.scheduleWithFixedDelay(lease::extend, every, every, TimeUnit.MILLISECONDS);
        exchange.setProperty(QUEUE_LEASE, lease);
    }

    /** The job is done with: stop extending and delete the message. */
    public void complete(Exchange exchange) {
        Lease lease = lease(exchange);
        if (lease != null) {
            lease.delete();
        }
    }

    /**
     * The job was handed back (the instance is stopping): its message becomes visible at once, for another
     * instance. The consumer's own delete then holds a stale receipt and deletes nothing. Throws when the
     * message cannot be updated by the hand-back's deadline, so that the consumer does not delete it either:
     * it reappears when its visibility timeout ends.
     */
    public void handBack(Exchange exchange) {
        Lease lease = lease(exchange);
        if (lease != null) {
            lease.stop();
            shutdown.beforeHandBackDeadline(lease::makeVisible);
        }
    }

    /** Stops extending (the worker failed: the message reappears after the visibility timeout). */
    public void release(Exchange exchange) {
        Lease lease = lease(exchange);
        if (lease != null) {
            lease.stop();
        }
    }

    private static Lease lease(Exchange exchange) {
        return exchange.getProperty(QUEUE_LEASE, Lease.class);
    }

    private final class Lease {
        private final String messageId;
        private String popReceipt;
        private volatile boolean done;
        private boolean extended;
        private volatile ScheduledFuture<?> renewal;

        Lease(String messageId, String popReceipt) {
            this.messageId = messageId;
            this.popReceipt = popReceipt;
        }

        synchronized void extend() {
            if (done) {
                return;
            }
            try {
                popReceipt = queue.updateMessage(messageId, popReceipt, null, visibility).getPopReceipt();
                extended = true;
            } catch (RuntimeException e) {
                LOG.warn("Could not extend the visibility of message {}: {}", messageId, e.getMessage());
            }
        }

        /** Deletes the message if its receipt changed; else the consumer's own delete will do. */
        synchronized void delete() {
            stop();
            if (!extended) {
                return;
            }
            try {
                queue.deleteMessage(messageId, popReceipt);
            } catch (QueueStorageException e) {
                LOG.warn("Could not delete message {}: {}", messageId, e.getErrorCode());
            }
        }

        synchronized void makeVisible() {
            popReceipt = queue.updateMessage(messageId, popReceipt, null, Duration.ZERO).getPopReceipt();
            LOG.info("Message {} visible again for another instance", messageId);
        }

        /** Not synchronized: an extension that storage is slow to answer must not hold it up. */
        void stop() {
            done = true;
            if (renewal != null) {
                renewal.cancel(false);
            }
        }
    }
}
