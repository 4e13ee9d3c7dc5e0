package io.asynctablequery.jobs;

import io.asynctablequery.query.AuditQuery;
import io.asynctablequery.query.Checkpoints;
import io.asynctablequery.query.ScanFailedException;
import io.asynctablequery.query.ScanResult;
import io.asynctablequery.storage.BackOff;
import io.asynctablequery.storage.StorageFailures;
import io.asynctablequery.storage.StorageRetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker bean, in the three steps {@code worker.camel.yaml} names: {@link #claim} a job, {@link #count} its
 * range, {@link #record} the outcome. A job that was terminated or purged before a worker took it is dropped; one
 * terminated while it runs stops within a page of results (or the store's check interval) and keeps its
 * Terminated state.
 *
 * <p>With a queue that redelivers ({@code redelivered = true}), a delivery after the first may take over a
 * Running job (its worker died) and run it from the start; an unexpected failure is thrown back so the
 * message comes again, until the queue declares it poison. Without one (SEDA), an unexpected failure
 * fails the job at once.
 */
public class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    /** How long a scan that saw its job suspended may take to end its pages and hand their days to the checkpoint. */
    private static final Duration SUSPENDED_RUN_ENDS = Duration.ofSeconds(1);

    private final JobStore store;
    private final AuditQuery query;
    private final Checkpoints checkpoints;
    private final Shutdown shutdown;
    private final Duration timeout;
    private final Duration stopCheckInterval;
    private final boolean failuresRedelivered;
    private final boolean sharedStore;
    private final Duration outageTolerance;
    private final Set<String> runningHere = new HashSet<>();
    private int running; // runs here: a job taken over here again while its first run ends counts twice

    /**
     * @param stopCheckInterval   how often a running scan re-reads its job to see a terminate (zero: every page)
     * @param failuresRedelivered whether the queue delivers a message again when its worker fails
     */
    public JobRunner(JobStore store, AuditQuery query, Checkpoints checkpoints, Shutdown shutdown,
                     Duration timeout, Duration stopCheckInterval, boolean failuresRedelivered, boolean sharedStore,
                     Duration outageTolerance) {
        this.store = store;
        this.query = query;
        this.checkpoints = checkpoints;
        this.shutdown = shutdown;
        this.timeout = timeout;
        this.stopCheckInterval = stopCheckInterval;
        this.failuresRedelivered = failuresRedelivered;
        this.sharedStore = sharedStore;
        this.outageTolerance = outageTolerance;
    }

    /**
     * Pending to Running, counted as running here until {@link #record}. A redelivery may also take over a Running
     * job, whose worker died: the queue shows a message again only when no live worker holds it.
     *
     * @param delivery the how-many-th delivery of the ticket's queue message (null: the first, e.g. SEDA)
     * @return the claimed job; null when it is not to be run (finished, purged, running elsewhere) or the instance
     *         is handing its jobs back (a job taken then is left as it is, for another instance or a restart)
     */
    public Job claim(JobTicket ticket, Integer delivery) {
        if (ticket.id() == null) {
            throw new IllegalArgumentException("The message is not a job ticket");
        }
        if (shutdown.handingBack()) {
            return null;
        }
        int attempt = delivery == null ? 1 : delivery;
        Job job = store.update(ticket.id(), current -> {
            if (!ticket.matches(current)) {
                throw new IllegalStateException("Message for job " + ticket.id() + " does not match the job");
            }
            if (current.status() == JobStatus.Pending) {
                return current.running(store.now());
            }
            boolean takeOver = current.status() == JobStatus.Running && attempt > 1 && failuresRedelivered;
            return takeOver ? current.takenOver(store.now()) : current;
        }).filter(JobStore.Change::changed).map(JobStore.Change::after).orElse(null);
        if (job == null) {
            LOG.debug("Job {} is not to be run (finished, suspended, purged or running elsewhere); dropped",
                    ticket.id());
        } else {
            started(job.id());
        }
        return job;
    }

    /** Runs the claimed job's scan until it ends, fails, or is stopped; null without a job. */
    public ScanOutcome count(Job job) {
        if (job == null) {
            return null;
        }
        settleAfterSuspend(job);
        Span span = JobSpans.start(job);
        ScanOutcome outcome = null;
        try (Scope current = span.makeCurrent()) {
            outcome = scan(job);
            return outcome;
        } finally {
            JobSpans.end(span, outcome);
        }
    }

    private ScanOutcome scan(Job job) {
        Instant deadline = deadline(job);
        try {
            ScanResult scan = query.countDistinct(job.input(), job.fresh(), deadline,
                    new JobScanListener(store, shutdown, job, deadline, stopCheckInterval),
                    checkpoints.open(job.id(), job.input()));
            return scan.stopped() ? new ScanOutcome.Stopped() : new ScanOutcome.Counted(scan);
        } catch (ScanFailedException e) {
            return new ScanOutcome.Failed(JobError.TIMEOUT.equals(e.code()) ? timedOut()
                    : new JobError(e.code(), e.getMessage()));
        } catch (RuntimeException | Error e) {
            return new ScanOutcome.Crashed(e);
        }
    }

    /**
     * Writes the outcome of the job's run: Completed, Failed (its error, or a timeout), or, when the instance is
     * handing back, Pending again; a job terminated or purged meanwhile keeps that state. After it, the job no
     * longer runs here. An unexpected failure of the worker is thrown again when the queue redelivers.
     *
     * @param delivery the how-many-th delivery of the ticket's queue message (null: the first)
     * @return what the queue does with the message: {@link RunOutcome#HANDED_BACK} makes it visible at once
     */
    public RunOutcome record(Job job, ScanOutcome outcome, Integer delivery) {
        if (job == null) {
            return shutdown.handingBack() && failuresRedelivered ? RunOutcome.HANDED_BACK : RunOutcome.DONE;
        }
        boolean handedBack = false;
        boolean rethrown = false;
        try {
            if (outcome instanceof ScanOutcome.Counted counted) {
                finish(job, running -> running.completed(counted.result().distinctCount(),
                        counted.result().progress(), store.now()));
            } else if (outcome instanceof ScanOutcome.Failed failed) {
                finish(job, running -> running.failed(failed.error(), store.now()));
            } else if (outcome instanceof ScanOutcome.Stopped) {
                if (!store.now().isBefore(deadline(job))) {
                    finish(job, running -> running.failed(timedOut(), store.now()));
                } else if (shutdown.handingBack()) {
                    handedBack = true;
                    handBack(job);
                } // else: terminated, suspended or purged meanwhile, and that state stays
            } else if (outcome instanceof ScanOutcome.Crashed crashed) {
                LOG.error("Job {} failed its worker (delivery {})", job.id(), delivery == null ? 1 : delivery,
                        crashed.failure());
                rethrown = failuresRedelivered;
                if (rethrown) {
                    throw crashed.failure() instanceof RuntimeException e ? e
                            : new IllegalStateException(crashed.failure());
                }
            }
        } finally {
            // whatever happened, a job this worker claimed does not stay Running; a hand-back is written once
            if (!rethrown && !handedBack) {
                finish(job, running -> running.failed(
                        new JobError(JobError.INTERNAL, "The job failed unexpectedly."), store.now()));
            }
            ended(job.id());
        }
        return handedBack && sharedStore && failuresRedelivered ? RunOutcome.HANDED_BACK : RunOutcome.DONE;
    }

    /**
     * The instance is stopping and its grace is over: running scans are abandoned at once, their pages in
     * flight not waited for, and their jobs handed back (see {@link #handBack}) by writes that give up after
     * {@code within}. Waits up to {@code within} for them; a job kept in memory whose worker has not written its
     * hand-back by then is failed here, so that no wait is answered with it still Running.
     */
    public void handBackRunning(Duration within) throws InterruptedException {
        shutdown.handBackWithin(within);
        query.abandonScans();
        if (!awaitIdle(within) && !sharedStore) {
            for (String id : runningIds()) {
                store.update(id, current -> current.status() == JobStatus.Running
                        ? current.failed(shutdown(), store.now()) : current);
            }
        }
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

    /** Jobs whose scan runs on this instance now. */
    public synchronized int running() {
        return running;
    }

    synchronized boolean isRunningHere(String id) {
        return runningHere.contains(id);
    }

    private synchronized List<String> runningIds() {
        return List.copyOf(runningHere);
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
     * once ({@link RunOutcome#HANDED_BACK}). A job kept only in this process's memory cannot outlive it: it
     * fails with code {@code Shutdown}, which its clients see in their last answer.
     */
    private void handBack(Job job) {
        if (!sharedStore) {
            finish(job, running -> running.failed(shutdown(), store.now()));
            return;
        }
        try {
            shutdown.beforeHandBackDeadline(() -> store.update(job.id(),
                    current -> current.sameRunAs(job) ? current.handedBack(store.now()) : current));
            LOG.info("Job {} handed back: the instance is stopping", job.id());
        } catch (RuntimeException e) {
            // Still Running in the store: a queue delivers it again (its message is not deleted), and the
            // start-up resume of seda+table takes Running jobs from before the start.
            LOG.warn("Job {} could not be handed back ({}): it runs again when its queue message reappears "
                    + "or at the next start", job.id(), StorageFailures.code(e));
        }
    }

    /** Jobs kept in memory that never started when the instance stops fail with code {@code Shutdown}. */
    public void failUnstarted() {
        if (sharedStore) {
            return; // they stay Pending in the shared store, and run after a restart or elsewhere
        }
        for (Job job : store.unfinished()) {
            store.update(job.id(), current -> current.status() == JobStatus.Pending
                    || current.status() == JobStatus.Suspended ? current.failed(shutdown(), store.now()) : current);
        }
    }

    private static JobError shutdown() {
        return new JobError(JobError.SHUTDOWN, "The instance running the job stopped before it finished; "
                + "submit it again.");
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
     * A job resumed moments after it was suspended: its suspended run may still be reading, for up to the stop-check
     * interval, and leaving what it read whole to the checkpoint for up to a second more; this run waits that out
     * (at most both), so that it finds those days there instead of reading them again.
     */
    private void settleAfterSuspend(Job job) {
        Instant suspended = null;
        for (JobEvent event : job.history()) {
            if (event.eventType() == JobEvent.Type.Suspended) {
                suspended = event.timestamp();
            }
        }
        if (suspended == null) {
            return;
        }
        long wait = Duration.between(store.now(), suspended.plus(stopCheckInterval).plus(SUSPENDED_RUN_ENDS))
                .toMillis();
        if (wait > 0) {
            try {
                TimeUnit.MILLISECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** When the claimed run must stop: the job timeout counts the running time of all its runs. */
    private Instant deadline(Job job) {
        return job.startedTime().plus(timeout.minus(job.state().ranBefore()));
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
                store.update(id, current -> current.sameRunAs(claimed) ? outcome.apply(current) : current);
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
}
