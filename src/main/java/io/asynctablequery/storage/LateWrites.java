package io.asynctablequery.storage;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes, in the background, what a request created although it failed because storage did not answer in time (a
 * job, a schedule). The client was told 503 and nothing was created, but the write may still land after the call
 * gave up: it is looked for and removed a few times over the next two minutes, so it never stays behind.
 */
public final class LateWrites {

    private static final Logger LOG = LoggerFactory.getLogger(LateWrites.class);
    private static final List<Duration> ATTEMPTS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120));

    private final ScheduledExecutorService timer;

    public LateWrites(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** @param removal removes it if it is there: true when it removed it (no more attempts then) */
    public void removeLater(String what, BooleanSupplier removal) {
        schedule(what, removal, 0);
    }

    private void schedule(String what, BooleanSupplier removal, int attempt) {
        if (attempt >= ATTEMPTS.size()) {
            return;
        }
        timer.schedule(() -> {
            try {
                if (removal.getAsBoolean()) {
                    LOG.info("Removed {}, whose request failed while storage was not answering", what);
                    return;
                }
            } catch (RuntimeException e) {
                LOG.debug("{} not removed yet: {}", what, e.toString());
            }
            schedule(what, removal, attempt + 1);
        }, ATTEMPTS.get(attempt).toMillis(), TimeUnit.MILLISECONDS);
    }
}
