package io.asynctablequery.storage;

import java.time.Duration;

/**
 * The rule for a storage call retried in process: a passing failure ({@link StorageFailures#isTransient}) is
 * tried again after the {@link BackOff}, until the call has kept failing for {@code tolerance} since its first
 * failure; any other failure, or one past the tolerance, is thrown. One per call: it counts the call's tries.
 * <pre>
 * StorageRetry retry = new StorageRetry(tolerance, BackOff.STORAGE);
 * while (true) {
 *     try { return call(); } catch (RuntimeException e) { sleep(retry.waitAfter(e)); }
 * }
 * </pre>
 */
public final class StorageRetry {

    private final long toleranceNanos;
    private final BackOff backOff;
    private long firstFailure;
    private int failures;

    public StorageRetry(Duration tolerance, BackOff backOff) {
        this.toleranceNanos = tolerance.toNanos();
        this.backOff = backOff;
    }

    /**
     * How long to wait before trying again after {@code failure}.
     *
     * @throws RuntimeException {@code failure} itself, when it is not passing or the tolerance is spent
     */
    public Duration waitAfter(RuntimeException failure) {
        long now = System.nanoTime();
        if (failures == 0) {
            firstFailure = now;
        }
        if (!StorageFailures.isTransient(failure) || now - firstFailure >= toleranceNanos) {
            throw failure;
        }
        failures++;
        return backOff.delay(failures);
    }

    /** Failures retried so far. */
    public int failures() {
        return failures;
    }
}
