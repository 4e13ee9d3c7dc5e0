package io.asynctablequery.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one rule for storage calls retried in process, and its back-off. */
class StorageRetryTest {

    private static final RuntimeException NO_CONNECTION = new UncheckedIOException(new ConnectException("refused"));

    @Test
    void aPassingFailureWaitsLongerEachTimeWithinItsCeiling() {
        BackOff backOff = new BackOff(Duration.ofMillis(100), Duration.ofMillis(800));
        StorageRetry retry = new StorageRetry(Duration.ofMinutes(1), backOff);
        long[] ceilings = {100, 200, 400, 800, 800, 800};
        for (int i = 0; i < ceilings.length; i++) {
            long wait = retry.waitAfter(NO_CONNECTION).toMillis();
            assertTrue(wait >= ceilings[i] / 2 && wait <= ceilings[i], "wait " + (i + 1) + ": " + wait + " ms");
            assertEquals(i + 1, retry.failures());
        }
    }

    @Test
    void aFailureThatIsNotPassingIsThrownAtOnce() {
        StorageRetry retry = new StorageRetry(Duration.ofMinutes(1), BackOff.STORAGE);
        IllegalArgumentException wrong = new IllegalArgumentException("bad query");

        assertSame(wrong, assertThrows(IllegalArgumentException.class, () -> retry.waitAfter(wrong)));
        assertEquals(0, retry.failures());
    }

    @Test
    void aPassingFailureIsThrownOnceItHasLastedTheTolerance() throws InterruptedException {
        assertThrows(UncheckedIOException.class,
                () -> new StorageRetry(Duration.ZERO, BackOff.STORAGE).waitAfter(NO_CONNECTION));

        StorageRetry retry = new StorageRetry(Duration.ofMillis(50), BackOff.STORAGE);
        retry.waitAfter(NO_CONNECTION);
        long since = System.nanoTime();
        while (System.nanoTime() - since < Duration.ofMillis(60).toNanos()) {
            Thread.sleep(10); // the tolerance's passing is itself what the test waits for
        }
        RuntimeException lost = new UncheckedIOException(new IOException("connection reset"));
        assertSame(lost, assertThrows(UncheckedIOException.class, () -> retry.waitAfter(lost)));
    }
}
