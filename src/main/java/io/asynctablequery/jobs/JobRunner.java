package io.asynctablequery.jobs;

import io.asynctablequery.query.AuditQuery;
import io.asynctablequery.query.ScanFailedException;
import io.asynctablequery.query.ScanListener;
import io.asynctablequery.query.ScanResult;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker bean: claims a Pending job, runs the audit query for it and writes the outcome. A job that
 * was terminated or purged before a worker took it is dropped; one terminated while it runs stops within
 * a page of results and keeps its Terminated state.
 */
public class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final JobStore store;
    private final AuditQuery query;
    private final Duration timeout;

    public JobRunner(JobStore store, AuditQuery query, Duration timeout) {
        this.store = store;
        this.query = query;
        this.timeout = timeout;
    }

    public void run(JobTicket ticket) {
        Job job = store.update(ticket.id(), pending -> pending.status() == JobStatus.Pending
                        ? pending.running(store.now()) : pending)
                .filter(JobStore.Change::changed)
                .map(JobStore.Change::after)
                .orElse(null);
        if (job == null) {
            LOG.debug("Job {} is no longer pending; dropped", ticket.id());
            return;
        }
        Instant deadline = job.startedTime().plus(timeout);
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
            LOG.error("Job {} failed", job.id(), e);
        } finally {
            // Whatever happened above, a job this worker claimed does not stay Running.
            finish(job.id(), running -> running.failed(
                    new JobError(JobError.INTERNAL, "The job failed unexpectedly."), store.now()));
        }
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

        Listener(String id, Instant deadline) {
            this.id = id;
            this.deadline = deadline;
        }

        @Override
        public boolean shouldStop() {
            return !store.now().isBefore(deadline)
                    || store.find(id).map(job -> job.status() != JobStatus.Running).orElse(true);
        }

        @Override
        public void onProgress(Progress progress) {
            store.update(id, job -> job.status() == JobStatus.Running
                    && progress.partitionsDone() > job.progress().partitionsDone()
                    ? job.withProgress(progress, store.now()) : job);
        }
    }
}
