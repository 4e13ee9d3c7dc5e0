package io.asynctablequery.jobs;

import java.time.Duration;

/**
 * Whether this instance is stopping, and how far: the one owner of that state, which {@link GracefulShutdown}
 * moves on and the others ask. The API asks whether jobs are still {@link #accepting}; the worker whether to
 * {@link #handingBack hand back} what it runs; the hand-back's writes and the queue leases by when they must give
 * up ({@link #handBackDeadline}).
 */
public final class Shutdown {

    private volatile boolean accepting = true;
    private volatile boolean handingBack;
    private volatile long handBackDeadline;

    /** Whether new jobs are taken (false once the instance is stopping). */
    public boolean accepting() {
        return accepting;
    }

    /** Whether running jobs are being handed back: the grace is over. */
    public boolean handingBack() {
        return handingBack;
    }

    /** {@link System#nanoTime()} by which the hand-back's storage writes give up. */
    public long handBackDeadline() {
        return handBackDeadline;
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
