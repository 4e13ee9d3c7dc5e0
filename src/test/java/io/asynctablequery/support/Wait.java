package io.asynctablequery.support;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: the tests' only way to wait (no fixed sleeps). */
public final class Wait {

    private Wait() {
    }

    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("Timed out after " + deadline + " waiting for: " + what);
            }
            pause();
        }
    }

    /** Polls {@code value} until {@code accept} holds for it; returns that value. */
    public static <T> T forValue(String what, Duration deadline, Supplier<T> value,
                                 java.util.function.Predicate<T> accept) {
        long end = System.nanoTime() + deadline.toNanos();
        T last = value.get();
        while (!accept.test(last)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("Timed out after " + deadline + " waiting for: " + what + "; last: " + last);
            }
            pause();
            last = value.get();
        }
        return last;
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(20); // the polling interval of a condition wait, not a stand-in for one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
