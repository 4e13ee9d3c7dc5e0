package io.asynctablequery.jobs;

import io.asynctablequery.storage.StorageDeadline;
import java.time.Duration;

/**
 * Whether this instance is stopping, and how far: the one owner of that state, which {@link GracefulShutdown}
 * moves on and the others ask. The API asks whether jobs are still {@link #accepting}; the worker whether to
 * {@link #handingBack hand back} what it runs; the hand-back's writes and the queue leases are made through it
 * ({@link #beforeHandBackDeadline}), which gives up at the hand-back's deadline.
 */
public final class Shutdown {

    private final StorageDeadline storageDeadline;
    private volatile boolean accepting = true;
    private volatile boolean handingBack;
    private volatile long handBackDeadline;

    public Shutdown(StorageDeadline storageDeadline) {
        this.storageDeadline = storageDeadline;
    }

    /** Whether new jobs are taken (false once the instance is stopping). */
    public boolean accepting() {
        return accepting;
    }

    /** Whether running jobs are being handed back: the grace is over. */
    public boolean handingBack() {
        return handingBack;
    }

    /**
     * Runs a hand-back's storage write, waiting for it no later than the hand-back's deadline.
     *
     * @throws IllegalStateException when the deadline passed, or the write's own failure
     */
    public void beforeHandBackDeadline(Runnable write) {
        storageDeadline.run(handBackDeadline, write);
    }

    void stopAccepting() {
        accepting = false;
    }

    /** The grace is over: jobs still running are handed back, by writes that give up after {@code within}. */
    void handBackWithin(Duration within) {
        handBackDeadline = System.nanoTime() + within.toNanos();
        handingBack = true;
    }
}
