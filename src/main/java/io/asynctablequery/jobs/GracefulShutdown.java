package io.asynctablequery.jobs;

import java.time.Duration;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stopping instance ({@code SIGTERM}) does with its jobs, moving the {@link Shutdown} state on. Camel's shutdown strategy stops the
 * consumers (no new job is taken) and waits for the exchanges in flight; meanwhile this:
 * <ol>
 *   <li>refuses new submits (503 with Retry-After);</li>
 *   <li>lets the running jobs finish for up to {@code jobs.shutdown-grace};</li>
 *   <li>then hands back the rest ({@link JobRunner#handBackRunning}), their pages in flight abandoned: Pending
 *       again with a shared store (the queue's message visible at once), {@code Failed}/{@code Shutdown} in
 *       memory, as are jobs in memory that never started. The hand-back's writes give up after
 *       {@code api.storage-timeout}, at most {@link #MOST_HAND_BACK_TIME}: a job whose hand-back storage did
 *       not take runs again all the same (its message reappears; the start-up resume takes it);</li>
 *   <li>answers every held wait with the job as it now is.</li>
 * </ol>
 * Camel's shutdown strategy waits no longer than all of that ({@link #total}), so the process exits within
 * the grace and 10 s even when storage stalls.
 */
public class GracefulShutdown extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);
    /** The most time the hand-back's writes get, whatever {@code api.storage-timeout}: exit within grace + 10 s. */
    static final Duration MOST_HAND_BACK_TIME = Duration.ofSeconds(7);

    private final Shutdown shutdown;
    private final JobRunner runner;
    private final JobWatchers watchers;
    private final Duration grace;
    private final Duration handBackTime;

    /** @param storageTimeout {@code api.storage-timeout}, the deadline of the hand-back's writes */
    public GracefulShutdown(Shutdown shutdown, JobRunner runner, JobWatchers watchers, Duration grace,
                            Duration storageTimeout) {
        this.shutdown = shutdown;
        this.runner = runner;
        this.watchers = watchers;
        this.grace = grace;
        this.handBackTime = storageTimeout.compareTo(MOST_HAND_BACK_TIME) < 0 ? storageTimeout : MOST_HAND_BACK_TIME;
    }

    /** How long Camel's shutdown strategy allows for all of it: the grace, the hand-back, a second to spare. */
    public Duration total() {
        return grace.plus(handBackTime).plusSeconds(1);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        shutdown.stopAccepting();
        // on a thread of Camel's (named as its threads are, a daemon): the shutdown strategy goes on meanwhile,
        // stopping the consumers
        getCamelContext().getExecutorServiceManager().newThread("graceful-shutdown", this::handOver).start();
    }

    private void handOver() {
        try {
            if (!runner.awaitIdle(grace)) {
                LOG.info("Running jobs did not finish within the shutdown grace of {}: handing them back", grace);
            }
            runner.handBackRunning(handBackTime);
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
