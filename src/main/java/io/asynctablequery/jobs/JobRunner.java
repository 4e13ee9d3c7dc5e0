package io.asynctablequery.jobs;

import io.asynctablequery.query.Progress;
import io.asynctablequery.query.AuditQuery;
import io.asynctablequery.query.ScanFailedException;
import io.asynctablequery.query.ScanListener;
import io.asynctablequery.query.ScanResult;
import io.asynctablequery.storage.BackOff;
import io.asynctablequery.storage.StorageDeadline;
import io.asynctablequery.storage.StorageFailures;
import io.asynctablequery.storage.StorageRetry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker bean: claims a job, runs the audit query for it and writes the outcome. A job that was
 * terminated or purged before a worker took it is dropped; one terminated while it runs stops within a
 * page of results (or the store's check interval) and keeps its Terminated state.
 *
 * <p>With a queue that redelivers ({@code redelivered = true}), a delivery after the first may take over a
 * Running job (its worker died) and run it from the start; an unexpected failure is thrown back so the
 * message comes again, until the queue declares it poison. Without one (SEDA), an unexpected failure
 * fails the job at once.
 */
public class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    private volatile boolean resumed;
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private final JobStore store;
    private final AuditQuery query;
    private final Duration timeout;
    private final Duration stopCheckInterval;
    private final boolean failuresRedelivered;
    private final boolean sharedStore;
    private final Duration outageTolerance;
    private volatile boolean handingBack;
    private volatile long handBackDeadline; // System.nanoTime() by which hand-back writes give up
    private int running;
    private final Set<String> runningHere = new HashSet<>();
    private final Instant startedAt;

    /**
     * @param stopCheckInterval how often a running scan re-reads its job to see a terminate (zero: every page)
     * @param failuresRedelivered whether the queue delivers a message again when its worker fails
     */
    public JobRunner(JobStore store, AuditQuery query, Duration timeout, Duration stopCheckInterval,
                     boolean failuresRedelivered, boolean sharedStore, Duration outageTolerance) {
        this.sharedStore = sharedStore;
        this.outageTolerance = outageTolerance;
        this.store = store;
        this.query = query;
        this.timeout = timeout;
        this.stopCheckInterval = stopCheckInterval;
        this.failuresRedelivered = failuresRedelivered;
        this.startedAt = store.now();
    }

    /**
     * Runs the job a ticket names.
     *
     * @param delivery the how-many-th delivery of the ticket's queue message (null: the first, e.g. SEDA)
     */
    public void run(JobTicket ticket, Integer delivery) {
        int attempt = delivery == null ? 1 : delivery;
        if (ticket.id() == null) {
            throw new IllegalArgumentException("The message is not a job ticket");
        }
        if (handingBack) { // taken while stopping: not started, left as it is for another instance or a restart
            if (failuresRedelivered) {
                throw new JobHandedBackException(ticket.id(), handBackDeadline);
            }
            return;
        }
        Job job = claim(ticket, attempt);
        if (job == null) {
            LOG.debug("Job {} is not to be run (finished, purged or running elsewhere); dropped", ticket.id());
            return;
        }
        Instant deadline = job.startedTime().plus(timeout);
        boolean rethrown = false;
        boolean handingBackNow = false;
        started(job.id());
        try {
            ScanResult scan = query.countDistinct(job.input(), job.fresh(), deadline, new Listener(job, deadline));
            if (!scan.stopped()) {
                finish(job, running -> running.completed(scan.distinctCount(), scan.progress(), store.now()));
            } else if (!store.now().isBefore(deadline)) {
                finish(job, running -> running.failed(timedOut(), store.now()));
            } else if (handingBack) {
                handingBackNow = true;
                handBack(job);
            } // else: terminated or purged meanwhile, and that state stays
        } catch (ScanFailedException e) {
            JobError error = JobError.TIMEOUT.equals(e.code()) ? timedOut() : new JobError(e.code(), e.getMessage());
            finish(job, running -> running.failed(error, store.now()));
        } catch (RuntimeException e) {
            LOG.error("Job {} failed its worker (delivery {})", job.id(), attempt, e);
            rethrown = failuresRedelivered;
            if (rethrown) {
                throw e;
            }
        } finally {
            // whatever happened, a job this worker claimed does not stay Running; a hand-back is written once
            if (!rethrown && !handingBackNow) {
                finish(job, running -> running.failed(
                        new JobError(JobError.INTERNAL, "The job failed unexpectedly."), store.now()));
            }
            ended(job.id());
        }
        if (handingBackNow && sharedStore && failuresRedelivered) {
            throw new JobHandedBackException(job.id(), handBackDeadline);
        }
    }

    /**
     * The instance is stopping and its grace is over: running scans are abandoned at once, their pages in
     * flight not waited for, and their jobs handed back (see {@link #handBack}) by writes that give up after
     * {@code within}. Waits up to {@code within} for them.
     */
    public void handBackRunning(Duration within) throws InterruptedException {
        handBackDeadline = System.nanoTime() + within.toNanos();
        handingBack = true;
        query.abandonScans();
        awaitIdle(within);
    }

    /** Waits until no job runs here, or the time is up; true when none runs. */
    public synchronized boolean awaitIdle(Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        long left;
        while (running > 0 && (left = end - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return running == 0;
    }

    private synchronized boolean isRunningHere(String id) {
        return runningHere.contains(id);
    }

    /** Jobs whose scan runs on this instance now. */
    public synchronized int running() {
        return running;
    }

    private synchronized void started(String id) {
        running++;
        runningHere.add(id);
    }

    private synchronized void ended(String id) {
        running--;
        runningHere.remove(id);
        notifyAll();
    }

    /**
     * A job stopped by the instance's shutdown: with a shared store it goes back to Pending, to run again
     * (from the start) on another instance or after the restart; a queue's message is then made visible at
     * once ({@link JobHandedBackException}). A job kept only in this process's memory cannot outlive it: it
     * fails with code {@code Shutdown}, which its clients see in their last answer.
     */
    private void handBack(Job job) {
        if (!sharedStore) {
            finish(job, running -> running.failed(shutdown(), store.now()));
            return;
        }
        try {
            StorageDeadline.run(handBackDeadline, () -> store.update(job.id(),
                    current -> ourRun(current, job) ? current.pending(store.now()) : current));
            LOG.info("Job {} handed back: the instance is stopping", job.id());
        } catch (RuntimeException e) {
            // Still Running in the store: a queue delivers it again (its message is not deleted), and the
            // start-up resume of seda+table takes Running jobs from before the start.
            LOG.warn("Job {} could not be handed back ({}): it runs again when its queue message reappears "
                    + "or at the next start", job.id(), StorageFailures.code(e));
        }
    }

    /** Whether the job is still the run this worker claimed (not finished, and not claimed again since). */
    private static boolean ourRun(Job current, Job claimed) {
        return current.status() == JobStatus.Running
                && Objects.equals(current.startedTime(), claimed.startedTime());
    }

    /** Jobs kept in memory that never started when the instance stops fail with code {@code Shutdown}. */
    public void failUnstarted() {
        if (sharedStore) {
            return; // they stay Pending in the shared store, and run after a restart or elsewhere
        }
        for (Job job : store.unfinished()) {
            store.update(job.id(), current -> current.status() == JobStatus.Pending
                    ? current.failed(shutdown(), store.now()) : current);
        }
    }

    private static JobError shutdown() {
        return new JobError(JobError.SHUTDOWN, "The instance running the job stopped before it finished; "
                + "submit it again.");
    }

    /**
     * Pending to Running. A redelivery may also take over a Running job, whose worker died: the queue
     * shows a message again only when no live worker holds it.
     */
    private Job claim(JobTicket ticket, int delivery) {
        return store.update(ticket.id(), current -> {
            if (!ticket.matches(current)) {
                throw new IllegalStateException("Message for job " + ticket.id() + " does not match the job");
            }
            boolean takeOver = current.status() == JobStatus.Running && delivery > 1 && failuresRedelivered;
            return current.status() == JobStatus.Pending || takeOver ? current.running(store.now()) : current;
        }).filter(JobStore.Change::changed).map(JobStore.Change::after).orElse(null);
    }

    /** The queue gave up on a job's message: the job fails, unless it finished meanwhile. */
    public void poisoned(String jobId, long deliveries, String poisonQueue) {
        if (jobId == null) {
            return;
        }
        store.update(jobId, job -> job.status().isFinished() ? job : job.failed(new JobError(JobError.POISON_MESSAGE,
                "The job failed its worker " + deliveries + " times; its message was moved to queue '" + poisonQueue
                        + "'."), store.now()));
    }

    /**
     * Unfinished jobs left from before this instance started, set back to Pending, to be queued again after a
     * restart; not jobs submitted since (they are queued already), nor those this instance runs. Read once:
     * while storage (or the identity that reaches it) does not answer, an empty list, and the next call tries
     * again; after the first read, always empty.
     */
    public List<JobTicket> resumable() {
        if (resumed) {
            return List.of();
        }
        try {
            List<JobTicket> tickets = store.unfinished().stream()
                    .filter(job -> job.createdTime().isBefore(startedAt) && !isRunningHere(job.id()))
                    .map(job -> store.update(job.id(), current -> current.status() == JobStatus.Running
                            && !isRunningHere(current.id()) ? current.pending(store.now()) : current)
                            .map(JobStore.Change::after).orElse(null))
                    .filter(job -> job != null && job.status() == JobStatus.Pending)
                    .map(JobTicket::of)
                    .toList();
            resumed = true;
            return tickets;
        } catch (RuntimeException e) {
            LOG.warn("The jobs unfinished before the start are not read yet ({}): trying again",
                    StorageFailures.code(e));
            return List.of();
        }
    }

    private JobError timedOut() {
        return new JobError(JobError.TIMEOUT, "The job ran longer than the job timeout of " + timeout + ".");
    }

    /**
     * Writes a terminal state, unless the job was terminated (or purged) meanwhile, or claimed again by
     * another run (after a hand-back or a restart): that state stays. A write
     * that storage fails to take is tried again, as a scan's page is, for up to the outage tolerance, so that
     * a job does not stay Running because storage blinked as it ended.
     */
    private void finish(Job claimed, UnaryOperator<Job> outcome) {
        String id = claimed.id();
        StorageRetry retry = new StorageRetry(outageTolerance, BackOff.STORAGE);
        while (true) {
            try {
                store.update(id, current -> ourRun(current, claimed) ? outcome.apply(current) : current);
                return;
            } catch (RuntimeException e) {
                Duration wait = retry.waitAfter(e); // throws e when it is not passing or lasted too long
                LOG.debug("Writing the outcome of job {} failed ({}); retry {}", id, StorageFailures.code(e),
                        retry.failures());
                try {
                    TimeUnit.MILLISECONDS.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Stops the scan when the job is no longer Running or its time is up; records progress. */
    private final class Listener implements ScanListener {
        private final Job claimed;
        private final String id;
        private final Instant deadline;
        private Instant lastStopCheck = Instant.MIN;
        private Instant lastProgress = Instant.MIN;
        private Progress.Retrying lastRetrying;

        Listener(Job claimed, Instant deadline) {
            this.claimed = claimed;
            this.id = claimed.id();
            this.deadline = deadline;
        }

        @Override
        public boolean shouldStop() {
            Instant now = store.now();
            if (!now.isBefore(deadline) || handingBack) {
                return true;
            }
            synchronized (this) {
                if (now.isBefore(lastStopCheck.plus(stopCheckInterval))) {
                    return false;
                }
                lastStopCheck = now;
            }
            try {
                return store.find(id).map(job -> !ourRun(job, claimed)).orElse(true);
            } catch (RuntimeException e) {
                return false; // storage did not answer: the scan's own pages will meet the outage, and ride it out
            }
        }

        /** Written at most once a second, but at once when the scan starts or stops waiting to retry. */
        @Override
        public void onProgress(Progress progress) {
            Instant now = store.now();
            synchronized (this) {
                boolean retryChange = !Objects.equals(progress.retrying(), lastRetrying);
                if (!retryChange && now.isBefore(lastProgress.plus(PROGRESS_INTERVAL))
                        && progress.partitionsDone() > 1) {
                    return;
                }
                lastProgress = now;
                lastRetrying = progress.retrying();
            }
            try {
                store.update(id, job -> progressed(job, progress));
            } catch (RuntimeException e) {
                LOG.debug("Progress of job {} not written: {}", id, e.toString()); // the next one will be
            }
        }

        private Job progressed(Job job, Progress progress) {
            if (!ourRun(job, claimed)) {
                return job;
            }
            Progress shown = job.progress();
            Progress merged = new Progress(progress.partitionsTotal(), // never backwards, whatever the order
                    Math.max(shown.partitionsDone(), progress.partitionsDone()),
                    Math.max(shown.entitiesScanned(), progress.entitiesScanned()),
                    Math.max(shown.entitiesSkipped(), progress.entitiesSkipped()), progress.retrying(),
                    Math.max(shown.partitionsFromSummaries(), progress.partitionsFromSummaries()));
            return merged.equals(shown) ? job : job.withProgress(merged, store.now());
        }
    }
}
