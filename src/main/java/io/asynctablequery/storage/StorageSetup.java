package io.asynctablequery.storage;

import io.asynctablequery.threads.ThreadPools;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What storage must hold before jobs run (the job table, the job queue and its poison and webhook queues),
 * created at start when missing. Storage or the identity that reaches it may not answer yet at start (SPEC
 * §12): the instance starts all the same, its readiness {@code DOWN} with the reason, and what could not be
 * created is tried again every few seconds until it is. Each capability adds its steps while it is configured;
 * they run as the Camel context starts, before the routes.
 */
public final class StorageSetup implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(StorageSetup.class);

    private final Map<String, Runnable> steps = new LinkedHashMap<>();
    private final String credential;
    private final StorageDeadline deadline;
    private final Duration firstTryFor;
    private final Duration retryEvery;

    /**
     * @param firstTryFor how long the start waits for each step ({@code api.storage-timeout}); a step still
     *                    running then is tried again in the background
     */
    public StorageSetup(String credential, StorageDeadline deadline, Duration firstTryFor, Duration retryEvery) {
        this.credential = credential;
        this.deadline = deadline;
        this.firstTryFor = firstTryFor;
        this.retryEvery = retryEvery;
    }

    /** A step, e.g. "table jobs" with its create-if-missing call. */
    public StorageSetup add(String what, Runnable createIfMissing) {
        steps.put(what, createIfMissing);
        return this;
    }

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        if (!alreadyStarted) {
            run(context);
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // set up as it starts
    }

    /**
     * Runs every step now; those storage fails are tried again every {@code retryEvery} on a thread of the
     * context's, until they succeed (or the context stops).
     */
    private void run(CamelContext context) {
        Map<String, String> failing = new LinkedHashMap<>();
        Map<String, Runnable> withDeadline = new LinkedHashMap<>();
        steps.forEach((what, step) -> withDeadline.put(what,
                () -> deadline.run(System.nanoTime() + firstTryFor.toNanos(), step)));
        runFailed(withDeadline, failing);
        if (!failing.isEmpty()) {
            ThreadPools threads = ThreadPools.of(context);
            ScheduledExecutorService retries = threads.scheduled(StorageSetup.class, "storage-setup");
            retries.scheduleWithFixedDelay(() -> retry(failing, () -> threads.release(retries)),
                    retryEvery.toMillis(), retryEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void retry(Map<String, String> failing, Runnable whenDone) {
        Map<String, Runnable> left = new LinkedHashMap<>();
        failing.keySet().forEach(what -> left.put(what, steps.get(what)));
        runFailed(left, failing);
        if (failing.isEmpty()) {
            LOG.info("Storage set up: {}", String.join(", ", steps.keySet()));
            whenDone.run();
        }
    }

    /** Runs the steps; a step that fails stays in {@code failing}, logged when its reason is new. */
    private void runFailed(Map<String, Runnable> toRun, Map<String, String> failing) {
        toRun.forEach((what, step) -> {
            try {
                step.run();
                failing.remove(what);
            } catch (RuntimeException e) {
                String reason = StorageFailures.describe(e, credential);
                if (!reason.equals(failing.put(what, reason))) {
                    LOG.warn("Storage not ready: cannot create {} ({}); trying again every {} s", what, reason,
                            retryEvery.toSeconds());
                }
            }
        });
    }
}
