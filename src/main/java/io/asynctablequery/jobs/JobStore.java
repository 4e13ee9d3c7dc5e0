package io.asynctablequery.jobs;

import io.asynctablequery.storage.LateWrites;
import io.asynctablequery.threads.ThreadPools;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.OptimisticLockingAggregationRepository.OptimisticLockingException;
import org.apache.camel.support.DefaultExchange;

/**
 * The jobs, kept in a {@link JobRepository} (a Camel aggregation repository keyed by job id, the exchange
 * body being the {@link Job}). Every change is a compare-and-set through the repository's optimistic
 * lock, so concurrent writers (a worker finishing, a client terminating, on any instance) leave exactly
 * one terminal state.
 */
public class JobStore {

    /** A submit's outcome: the job, and whether this call created it (false: an idempotent replay). */
    public record Submission(Job job, boolean created) {
        /** What goes to the job queue for a created job. */
        public JobTicket ticket() {
            return JobTicket.of(job);
        }
    }

    /** A change's outcome: the job before and after (the same record when nothing changed). */
    public record Change(Job before, Job after) {
        public boolean changed() {
            return before != after;
        }
    }

    public enum PurgeOutcome { PURGED, NOT_FOUND, NOT_FINISHED }

    /** Told of every change this instance writes: the job after it, or null when it was removed. */
    public interface Listener {
        void changed(String id, Job job);

        /** This instance has created a job (a submit accepted here). */
        default void submitted(Job job) {
        }

        /** This instance has changed a job's status (Pending, Running, or a finished state). */
        default void statusChanged(Job before, Job after) {
        }

        /** The job has just reached a finished state, written by this instance (once per job outcome). */
        default void finished(Job job) {
        }
    }

    private final CamelContext camelContext;
    private final JobRepository repository;
    private final int maxPending;
    private final Duration retention;
    private final Clock clock;
    private final LateWrites lateWrites;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public JobStore(CamelContext camelContext, JobRepository repository, int maxPending, Duration retention,
                    Clock clock) {
        this.camelContext = camelContext;
        this.repository = repository;
        this.maxPending = maxPending;
        this.retention = retention;
        this.clock = clock;
        this.lateWrites = new LateWrites(ThreadPools.of(camelContext).scheduled(JobStore.class, "job-cleanup"));
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Creates a Pending job, or returns the job its owner's idempotency key already names (keys are scoped per
     * owner: two callers' equal keys name two jobs).
     *
     * @return empty when {@code jobs.max-pending} unfinished jobs exist already (nothing is created)
     */
    public Optional<Submission> submit(JobRequest request) {
        return submitStored(JobIds.next(), request.asStored(), null);
    }

    /**
     * A finished job's input as a new job (a restart with a new id): its owner, range, {@code fresh} and callback,
     * not its idempotency key, which still names the first.
     *
     * @return empty when {@code jobs.max-pending} unfinished jobs exist already (nothing is created)
     */
    public Optional<Submission> submitAgain(Job finished) {
        JobRequest request = finished.request();
        return submitStored(JobIds.next(), new JobRequest(request.input(), request.fresh(), request.owner(), null,
                request.callbackUrl(), request.linkBase(), request.occurrence(), JobTrace.current()),
                "Restarted from job " + finished.id());
    }

    /**
     * A schedule's job for one occurrence, under the id the occurrence fixes: created only if absent (the store's
     * insert decides, across instances), so that an occurrence never makes two jobs.
     *
     * @return the job and whether this call created it (false: it existed); empty when {@code jobs.max-pending}
     *         unfinished jobs exist already (nothing is created)
     */
    public Optional<Submission> submitOccurrence(String id, JobRequest request) {
        Optional<Job> existing = find(id);
        if (existing.isPresent()) {
            return Optional.of(new Submission(existing.get(), false));
        }
        if (repository.countUnfinished() >= maxPending) {
            return Optional.empty();
        }
        Job job = Job.pending(id, request.asStored(), now(), null);
        try {
            repository.add(camelContext, id, null, exchangeOf(job));
        } catch (OptimisticLockingException createdMeanwhile) {
            return find(id).map(created -> new Submission(created, false));
        }
        listeners.forEach(listener -> listener.submitted(job));
        return Optional.of(new Submission(job, true));
    }

    /** Unfinished jobs of one owner. */
    public int countUnfinished(String owner) {
        return repository.countUnfinished(owner);
    }

    private Optional<Submission> submitStored(String id, JobRequest request, String note) {
        String idempotencyKey = request.idempotencyKey();
        if (idempotencyKey != null) {
            Optional<String> named = repository.bindIdempotencyKey(idempotencyKey, id);
            if (named.isPresent()) {
                Optional<Job> existing = findSoon(named.get());
                if (existing.isPresent()) {
                    return Optional.of(new Submission(existing.get(), false));
                }
                repository.unbindIdempotencyKey(idempotencyKey, named.get()); // its job is gone: free the key
                return submitStored(JobIds.next(), request, note);
            }
        }
        if (repository.countUnfinished() >= maxPending) {
            if (idempotencyKey != null) {
                repository.unbindIdempotencyKey(idempotencyKey, id);
            }
            return Optional.empty();
        }
        Job job = Job.pending(id, request, now(), note);
        try {
            repository.add(camelContext, id, null, exchangeOf(job));
        } catch (RuntimeException e) {
            abandonLater(job); // it may still land in the store after this call gave up
            throw e;
        }
        listeners.forEach(listener -> listener.submitted(job));
        return Optional.of(new Submission(job, true));
    }

    /** A job a concurrent submit with the same key is creating may appear a moment after its key. */
    private Optional<Job> findSoon(String id) {
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<Job> job = find(id);
            if (job.isPresent()) {
                return job;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * Removes a job that could not be queued, as if it had never been submitted; when storage does not answer,
     * it is removed in the background.
     */
    public void abandon(Job job) {
        try {
            remove(job);
        } catch (RuntimeException e) {
            abandonLater(job);
        }
    }

    private void abandonLater(Job job) {
        lateWrites.removeLater("job " + job.id(), () -> remove(job));
    }

    /** Removes a Pending job and frees its idempotency key; false when there was no such job to remove. */
    boolean remove(Job job) {
        Exchange stored = repository.get(camelContext, job.id());
        boolean removed = stored != null && stored.getIn().getBody(Job.class).status() == JobStatus.Pending;
        if (removed) {
            repository.remove(camelContext, job.id(), stored);
            notifyListeners(job.id(), null);
        }
        if (job.idempotencyKey() != null && (removed || stored == null)) {
            repository.unbindIdempotencyKey(job.idempotencyKey(), job.id());
        }
        return removed;
    }

    public Optional<Job> find(String id) {
        Exchange stored = repository.get(camelContext, id);
        return stored == null ? Optional.empty() : Optional.of(stored.getIn().getBody(Job.class));
    }

    /**
     * Applies a change to a job with the optimistic lock, retrying on a concurrent write.
     * The change returns its argument to leave the job as it is.
     */
    public Optional<Change> update(String id, UnaryOperator<Job> change) {
        while (true) {
            Exchange stored = repository.get(camelContext, id);
            if (stored == null) {
                return Optional.empty();
            }
            Job before = stored.getIn().getBody(Job.class);
            Job after = change.apply(before);
            if (after == before) {
                return Optional.of(new Change(before, after));
            }
            try {
                repository.add(camelContext, id, stored, exchangeOf(after));
            } catch (OptimisticLockingException concurrentWrite) {
                continue;
            }
            notifyListeners(id, after);
            if (before.status() != after.status()) {
                listeners.forEach(listener -> listener.statusChanged(before, after));
            }
            if (!before.status().isFinished() && after.status().isFinished()) {
                listeners.forEach(listener -> listener.finished(after));
            }
            return Optional.of(new Change(before, after));
        }
    }

    /** Pending, Running or Suspended to Terminated; a finished job stays as it is. */
    public Optional<Change> terminate(String id, String reason) {
        return update(id, job -> job.status().isFinished() ? job : job.terminated(reason, now()));
    }

    /** Pending or Running to Suspended (a running scan sees it and stops); any other job stays as it is. */
    public Optional<Change> suspend(String id, String reason) {
        return update(id, job -> job.status() == JobStatus.Pending || job.status() == JobStatus.Running
                ? job.suspended(reason, now()) : job);
    }

    /** Suspended to Pending, to be queued again; any other job stays as it is. */
    public Optional<Change> resume(String id, String reason) {
        return update(id, job -> job.status() == JobStatus.Suspended ? job.resumed(reason, now()) : job);
    }

    /** Failed to Pending, to be queued again and run from its checkpoint; any other job stays as it is. */
    public Optional<Change> rewind(String id, String reason) {
        return update(id, job -> job.status() == JobStatus.Failed ? job.rewound(reason, now()) : job);
    }

    /** Finished to Pending, from the start, to be queued again (its checkpoint dropped first); others stay. */
    public Optional<Change> restart(String id) {
        return update(id, job -> job.status().isFinished() ? job.restarted(now()) : job);
    }

    /**
     * Writes {@code before} back over a job that is still exactly {@code after} (a change whose job could not be
     * queued again: it is left as it was, not Pending with no message to run it).
     */
    public void undo(Job before, Job after) {
        update(after.id(), current -> current.status() == after.status()
                && current.lastUpdatedTime().equals(after.lastUpdatedTime()) ? before : current);
    }

    public PurgeOutcome purge(String id) {
        Exchange stored = repository.get(camelContext, id);
        if (stored == null) {
            return PurgeOutcome.NOT_FOUND;
        }
        Job job = stored.getIn().getBody(Job.class);
        if (!job.status().isFinished()) {
            return PurgeOutcome.NOT_FINISHED;
        }
        try {
            repository.remove(camelContext, id, stored);
        } catch (OptimisticLockingException goneMeanwhile) {
            return find(id).isPresent() ? purge(id) : PurgeOutcome.NOT_FOUND;
        }
        notifyListeners(id, null);
        if (job.idempotencyKey() != null) {
            repository.unbindIdempotencyKey(job.idempotencyKey(), id);
        }
        return PurgeOutcome.PURGED;
    }

    /**
     * Purges the finished jobs a listing finds (its statuses narrowed to the finished ones), page after page;
     * returns how many.
     */
    public int purgeAll(JobQuery query) {
        Set<JobStatus> finished = EnumSet.copyOf(JobStatusSets.FINISHED);
        finished.retainAll(query.statuses());
        if (finished.isEmpty()) {
            return 0;
        }
        int purged = 0;
        String token = null;
        do {
            JobPage page = repository.list(new JobQuery(finished, query.createdFrom(), query.createdTo(),
                    query.owner(), query.idPrefix(), 1000, token));
            for (Job job : page.jobs()) {
                if (purge(job.id()) == PurgeOutcome.PURGED) {
                    purged++;
                }
            }
            token = page.continuationToken();
        } while (token != null);
        return purged;
    }

    /** Purges the finished jobs last updated longer than {@code jobs.retention} ago; returns how many. */
    public int purgeExpired() {
        Instant cutOff = now().minus(retention);
        int purged = 0;
        String token = null;
        do {
            JobPage page = repository.list(new JobQuery(JobStatusSets.FINISHED, null, cutOff, null, null, 1000,
                    token));
            for (Job job : page.jobs()) {
                if (job.lastUpdatedTime().isBefore(cutOff) && purge(job.id()) == PurgeOutcome.PURGED) {
                    purged++;
                }
            }
            token = page.continuationToken();
        } while (token != null);
        return purged;
    }

    public JobPage list(JobQuery query) {
        return repository.list(query);
    }

    public List<Job> unfinished() {
        return repository.unfinished();
    }

    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS); // the precision of the documents and the table
    }

    private void notifyListeners(String id, Job job) {
        for (Listener listener : listeners) {
            listener.changed(id, job);
        }
    }

    private Exchange exchangeOf(Job job) {
        Exchange exchange = new DefaultExchange(camelContext);
        exchange.getIn().setBody(job);
        return exchange;
    }
}
