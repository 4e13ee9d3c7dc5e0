package io.asynctablequery.observability;

import com.azure.core.util.Context;
import com.azure.storage.queue.QueueClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job queue's approximate message count (waiting and being run), for the pending-jobs gauge. A scrape
 * never waits on storage: it gets the last count read, and a count older than {@code maxAge} is read again
 * in the background, within {@code timeout}.
 */
public class QueueDepth implements IntSupplier {

    private static final Logger LOG = LoggerFactory.getLogger(QueueDepth.class);

    private final QueueClient queue;
    private final long maxAgeNanos;
    private final Duration timeout;
    private final Executor reader;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile int depth;
    private volatile long readAt = Long.MIN_VALUE / 2;

    /** @param reader reads the count in the background (one thread is enough) */
    public QueueDepth(QueueClient queue, Duration maxAge, Duration timeout, Executor reader) {
        this.queue = queue;
        this.reader = reader;
        this.maxAgeNanos = maxAge.toNanos();
        this.timeout = timeout;
    }

    @Override
    public int getAsInt() {
        if (System.nanoTime() - readAt > maxAgeNanos && reading.compareAndSet(false, true)) {
            reader.execute(this::read);
        }
        return depth;
    }

    private void read() {
        try {
            depth = queue.getPropertiesWithResponse(timeout, Context.NONE).getValue().getApproximateMessagesCount();
            readAt = System.nanoTime();
        } catch (RuntimeException e) {
            LOG.debug("Job queue depth not read: {}", e.getClass().getSimpleName());
        } finally {
            reading.set(false);
        }
    }
}
