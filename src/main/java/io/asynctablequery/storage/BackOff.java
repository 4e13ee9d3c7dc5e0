package io.asynctablequery.storage;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter: the n-th wait's ceiling doubles from {@code first} up to {@code max}, and each
 * wait is between half and all of its ceiling, so that instances that failed together do not retry together.
 */
public record BackOff(Duration first, Duration max) {

    /** Storage calls retried in process (a scan's page, a job's outcome): from half a second up to 8 s. */
    public static final BackOff STORAGE = new BackOff(Duration.ofMillis(500), Duration.ofSeconds(8));

    /** The wait before try {@code attempt + 1}, after {@code attempt} (1, 2, ...) failed tries. */
    public Duration delay(int attempt) {
        long ceiling = Math.min(max.toMillis(), first.toMillis() << Math.min(Math.max(attempt, 1) - 1, 20));
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }
}
