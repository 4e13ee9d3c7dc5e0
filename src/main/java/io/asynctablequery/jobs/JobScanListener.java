package io.asynctablequery.jobs;

import io.asynctablequery.query.Progress;
import io.asynctablequery.query.ScanListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running scan asks of its job: it stops when the job is no longer this run (terminated, purged, claimed
 * again), its time is up or the instance hands its jobs back; its progress is written at most once a second, but
 * at once when the scan starts or stops waiting to retry.
 */
final class JobScanListener implements ScanListener {

    private static final Logger LOG = LoggerFactory.getLogger(JobScanListener.class);
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private final JobStore store;
    private final Shutdown shutdown;
    private final Job claimed;
    private final Instant deadline;
    private final Duration stopCheckInterval;
    private Instant lastStopCheck = Instant.MIN;
    private Instant lastProgress = Instant.MIN;
    private Progress.Retrying lastRetrying;

    /** @param stopCheckInterval how often the job is read again to see a terminate (zero: every page) */
    JobScanListener(JobStore store, Shutdown shutdown, Job claimed, Instant deadline, Duration stopCheckInterval) {
        this.store = store;
        this.shutdown = shutdown;
        this.claimed = claimed;
        this.deadline = deadline;
        this.stopCheckInterval = stopCheckInterval;
    }

    @Override
    public boolean shouldStop() {
        Instant now = store.now();
        if (!now.isBefore(deadline) || shutdown.handingBack()) {
            return true;
        }
        synchronized (this) {
            if (now.isBefore(lastStopCheck.plus(stopCheckInterval))) {
                return false;
            }
            lastStopCheck = now;
        }
        try {
            return store.find(claimed.id()).map(job -> !job.sameRunAs(claimed)).orElse(true);
        } catch (RuntimeException e) {
            return false; // storage did not answer: the scan's own pages will meet the outage, and ride it out
        }
    }

    @Override
    public void onProgress(Progress progress) {
        Instant now = store.now();
        synchronized (this) {
            boolean retryChange = !Objects.equals(progress.retrying(), lastRetrying);
            if (!retryChange && now.isBefore(lastProgress.plus(PROGRESS_INTERVAL)) && progress.partitionsDone() > 1) {
                return;
            }
            lastProgress = now;
            lastRetrying = progress.retrying();
        }
        try {
            store.update(claimed.id(), job -> progressed(job, progress));
        } catch (RuntimeException e) {
            LOG.debug("Progress of job {} not written: {}", claimed.id(), e.toString()); // the next one will be
        }
    }

    private Job progressed(Job job, Progress progress) {
        if (!job.sameRunAs(claimed)) {
            return job;
        }
        Progress shown = job.progress();
        Progress merged = new Progress(progress.partitionsTotal(), // never backwards, whatever the order
                Math.max(shown.partitionsDone(), progress.partitionsDone()),
                Math.max(shown.entitiesScanned(), progress.entitiesScanned()),
                Math.max(shown.entitiesSkipped(), progress.entitiesSkipped()), progress.retrying(),
                Math.max(shown.partitionsFromSummaries(), progress.partitionsFromSummaries()),
                Math.max(shown.partitionsFromCheckpoint(), progress.partitionsFromCheckpoint()));
        return merged.equals(shown) ? job : job.withProgress(merged, store.now());
    }
}
