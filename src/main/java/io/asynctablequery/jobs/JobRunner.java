package io.asynctablequery.jobs;

import io.asynctablequery.query.AuditQuery;
import io.asynctablequery.query.ScanFailedException;
import io.asynctablequery.query.ScanListener;
import io.asynctablequery.query.ScanResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private final JobStore store;
    private final AuditQuery query;
    private final Duration timeout;
    private final Duration stopCheckInterval;
    private final boolean failuresRedelivered;

    /**
     * @param stopCheckInterval how often a running scan re-reads its job to see a terminate (zero: every page)
     * @param failuresRedelivered whether the queue delivers a message again when its worker fails
     */
    public JobRunner(JobStore store, AuditQuery query, Duration timeout, Duration stopCheckInterval,
                     boolean failuresRedelivered) {
        this.store = store;
        this.query = query;
        this.timeout = timeout;
        this.stopCheckInterval = stopCheckInterval;
        this.failuresRedelivered = failuresRedelivered;
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
        Job job = claim(ticket, attempt);
        if (job == null) {
            LOG.debug("Job {} is not to be run (finished, purged or running elsewhere); dropped", ticket.id());
            return;
        }
        Instant deadline = job.startedTime().plus(timeout);
        boolean rethrown = false;
        try {
            ScanResult scan = query.countDistinct(job.input(), deadline, new Listener(job.id(), deadline));
            if (!scan.stopped()) {
                finish(job.id(), running -> running.completed(scan.distinctCount(), scan.progress(), store.now()));
            } else if (!store.now().isBefore(deadline)) {
                finish(job.id(), running -> running.failed(timedOut(), store.now()));
            } // else: terminated or purged meanwhile, and that state stays
        } catch (ScanFailedException e) {
            JobError error = JobError.TIMEOUT.equals(e.code()) ? timedOut() : new JobError(e.code(), e.getMessage());
            finish(job.id(), running -> running.failed(error, store.now()));
        } catch (RuntimeException e) {
            LOG.error("Job {} failed its worker (delivery {})", job.id(), attempt, e);
            rethrown = failuresRedelivered;
            if (rethrown) {
                throw e;
            }
        } finally {
            if (!rethrown) { // whatever happened, a job this worker claimed does not stay Running
                finish(job.id(), running -> running.failed(
                        new JobError(JobError.INTERNAL, "The job failed unexpectedly."), store.now()));
            }
        }
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

    /** Unfinished jobs set back to Pending, to be queued again after a restart. */
    public List<JobTicket> resumable() {
        return store.unfinished().stream()
                .map(job -> store.update(job.id(), current -> current.status() == JobStatus.Running
                        ? current.pending(store.now()) : current).map(JobStore.Change::after).orElse(null))
                .filter(job -> job != null && job.status() == JobStatus.Pending)
                .map(JobTicket::of)
                .toList();
    }

    private JobError timedOut() {
        return new JobError(JobError.TIMEOUT, "The job ran longer than the job timeout of " + timeout + ".");
    }

    /** Writes a terminal state, unless the job was terminated (or purged) meanwhile: that state stays. */
    private void finish(String id, UnaryOperator<Job> outcome) {
        store.update(id, current -> current.status() == JobStatus.Running ? outcome.apply(current) : current);
    }

    /** Stops the scan when the job is no longer Running or its time is up; records progress. */
    private final class Listener implements ScanListener {
        private final String id;
        private final Instant deadline;
        private Instant lastStopCheck = Instant.MIN;
        private Instant lastProgress = Instant.MIN;

        Listener(String id, Instant deadline) {
            this.id = id;
            this.deadline = deadline;
        }

        @Override
        public boolean shouldStop() {
            Instant now = store.now();
            if (!now.isBefore(deadline)) {
                return true;
            }
            synchronized (this) {
                if (now.isBefore(lastStopCheck.plus(stopCheckInterval))) {
                    return false;
                }
                lastStopCheck = now;
            }
            return store.find(id).map(job -> job.status() != JobStatus.Running).orElse(true);
        }

        @Override
        public void onProgress(Progress progress) {
            Instant now = store.now();
            synchronized (this) {
                if (now.isBefore(lastProgress.plus(PROGRESS_INTERVAL)) && progress.partitionsDone() > 1) {
                    return;
                }
                lastProgress = now;
            }
            store.update(id, job -> job.status() == JobStatus.Running
                    && progress.partitionsDone() > job.progress().partitionsDone()
                    ? job.withProgress(progress, store.now()) : job);
        }
    }
}
