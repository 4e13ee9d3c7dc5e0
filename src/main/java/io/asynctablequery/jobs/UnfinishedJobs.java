package io.asynctablequery.jobs;

import io.asynctablequery.storage.StorageFailures;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up resume of one instance with the job table and SEDA ({@code resume-unfinished-jobs}): the jobs
 * left unfinished from before this instance started are set back to Pending and queued again, not jobs submitted
 * since (they are queued already), nor those this instance runs.
 */
public class UnfinishedJobs {

    private static final Logger LOG = LoggerFactory.getLogger(UnfinishedJobs.class);

    private final JobStore store;
    private final JobRunner runner;
    private final Instant startedAt;
    private volatile boolean resumed;

    public UnfinishedJobs(JobStore store, JobRunner runner) {
        this.store = store;
        this.runner = runner;
        this.startedAt = store.now();
    }

    /**
     * The tickets of the jobs to queue again. Read once: while storage (or the identity that reaches it) does not
     * answer, an empty list, and the next call tries again; after the first read, always empty.
     */
    public List<JobTicket> resumable() {
        if (resumed) {
            return List.of();
        }
        try {
            List<JobTicket> tickets = store.unfinished().stream()
                    .filter(job -> job.createdTime().isBefore(startedAt) && !runner.isRunningHere(job.id()))
                    .map(job -> store.update(job.id(), current -> current.status() == JobStatus.Running
                            && !runner.isRunningHere(current.id()) ? current.takenOverAtStart(store.now()) : current)
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
}
