package io.asynctablequery.jobs;

import java.time.Duration;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stopping instance ({@code SIGTERM}) does with its jobs. Camel's shutdown strategy stops the
 * consumers (no new job is taken) and waits for the exchanges in flight; meanwhile this:
 * <ol>
 *   <li>refuses new submits (503 with Retry-After);</li>
 *   <li>lets the running jobs finish for up to {@code jobs.shutdown-grace};</li>
 *   <li>then hands back the rest ({@link JobRunner#handBackRunning}): Pending again with a shared store (the
 *       queue's message visible at once), {@code Failed}/{@code Shutdown} in memory, as are jobs in memory
 *       that never started;</li>
 *   <li>answers every held wait with the job as it now is.</li>
 * </ol>
 */
public class GracefulShutdown extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);
    /** Time for the scans to stop after their current page and write their hand-back. */
    static final Duration HAND_BACK_TIME = Duration.ofSeconds(20);

    private final JobStore store;
    private final JobRunner runner;
    private final JobWatchers watchers;
    private final Duration grace;

    public GracefulShutdown(JobStore store, JobRunner runner, JobWatchers watchers, Duration grace) {
        this.store = store;
        this.runner = runner;
        this.watchers = watchers;
        this.grace = grace;
    }

    /** How long Camel's shutdown strategy must allow for all of it. */
    public Duration total() {
        return grace.plus(HAND_BACK_TIME).plusSeconds(5);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        store.stopAccepting();
        Thread handOver = new Thread(this::handOver, "graceful-shutdown");
        handOver.setDaemon(true);
        handOver.start(); // the shutdown strategy goes on meanwhile: it stops the consumers
    }

    private void handOver() {
        try {
            if (!runner.awaitIdle(grace)) {
                LOG.info("Running jobs did not finish within the shutdown grace of {}: handing them back", grace);
            }
            runner.handBackRunning(HAND_BACK_TIME);
            runner.failUnstarted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Could not hand back every job while stopping: {}", e.toString());
        } finally {
            watchers.releaseAll();
        }
    }
}
