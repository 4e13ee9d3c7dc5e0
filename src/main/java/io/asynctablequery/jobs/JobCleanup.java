package io.asynctablequery.jobs;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes, in the background, a job whose submit failed because storage did not answer in time. The
 * client was told 503 and nothing was created, but the create (or the queue hand-off) may still land after
 * the call gave up: the job is looked for and removed a few times over the next two minutes, so it never
 * stays Pending with no one to run it.
 */
final class JobCleanup {

    private static final Logger LOG = LoggerFactory.getLogger(JobCleanup.class);
    private static final List<Duration> ATTEMPTS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120));

    private final JobStore store;
    private final ScheduledExecutorService timer;

    JobCleanup(JobStore store, ScheduledExecutorService timer) {
        this.store = store;
        this.timer = timer;
    }

    void abandonLater(Job job) {
        schedule(job, 0);
    }

    private void schedule(Job job, int attempt) {
        if (attempt >= ATTEMPTS.size()) {
            return;
        }
        timer.schedule(() -> {
            try {
                if (store.remove(job)) {
                    LOG.info("Removed job {}, whose submit failed while storage was not answering", job.id());
                    return;
                }
            } catch (RuntimeException e) {
                LOG.debug("Job {} not removed yet: {}", job.id(), e.toString());
            }
            schedule(job, attempt + 1);
        }, ATTEMPTS.get(attempt).toMillis(), TimeUnit.MILLISECONDS);
    }
}
