package io.asynctablequery.storage;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A storage call that its caller stops waiting for at a deadline, whatever the client's own timeouts and
 * retries would do: the hand-back of a stopping instance must not wait on storage that stalls, nor the start
 * of an instance on storage (or an identity) that does not answer. Past the
 * deadline the call goes on in the background, and its outcome is dropped.
 */
public final class StorageDeadline {

    private final ExecutorService calls;

    /** @param calls runs the calls (a cached pool: each call waited for has a thread of its own) */
    public StorageDeadline(ExecutorService calls) {
        this.calls = calls;
    }

    /**
     * Runs {@code call}, waiting for it until {@code deadline} ({@link System#nanoTime()}).
     *
     * @throws IllegalStateException with a {@link TimeoutException} as its cause when the deadline passed, or
     *                               the call's own failure
     */
    public void run(long deadline, Runnable call) {
        Future<?> running = calls.submit(call);
        try {
            running.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            running.cancel(false); // not interrupted: the SDK would log that as an error; it ends by its own timeout
            throw new IllegalStateException("Storage did not answer before the deadline", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.cancel(false);
            throw new IllegalStateException("Interrupted while waiting for storage", e);
        }
    }
}
