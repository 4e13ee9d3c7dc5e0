package io.asynctablequery.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.OptimisticLockingAggregationRepository;
import org.apache.camel.spi.OptimisticLockingAggregationRepository.OptimisticLockingException;
import org.apache.camel.support.DefaultExchange;

/**
 * The jobs, kept in a Camel aggregation repository keyed by job id (the exchange body is the {@link Job}).
 * Every change is a compare-and-set through the repository's optimistic lock, so concurrent writers
 * (a worker finishing, a client terminating) leave exactly one terminal state.
 */
public class JobStore {

    /** A submit's outcome: the job, and whether this call created it (false: an idempotent replay). */
    public record Submission(Job job, boolean created) {
    }

    /** A change's outcome: the job before and after (the same record when nothing changed). */
    public record Change(Job before, Job after) {
        public boolean changed() {
            return before != after;
        }
    }

    public enum PurgeOutcome { PURGED, NOT_FOUND, NOT_FINISHED }

    private final CamelContext camelContext;
    private final OptimisticLockingAggregationRepository repository;
    private final int maxPending;
    private final Duration retention;
    private final Clock clock;
    private final AtomicInteger unfinished = new AtomicInteger();
    private final ConcurrentHashMap<String, String> jobIdByIdempotencyKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Job>> finishedSignals = new ConcurrentHashMap<>();

    public JobStore(CamelContext camelContext, OptimisticLockingAggregationRepository repository, int maxPending,
                    Duration retention, Clock clock) {
        this.camelContext = camelContext;
        this.repository = repository;
        this.maxPending = maxPending;
        this.retention = retention;
        this.clock = clock;
    }

    /**
     * Creates a Pending job, or returns the job an idempotency key already names.
     *
     * @return empty when {@code jobs.max-pending} unfinished jobs exist already (nothing is created)
     */
    public Optional<Submission> submit(JobInput input, String idempotencyKey) {
        if (idempotencyKey == null) {
            return create(input, null).map(job -> new Submission(job, true));
        }
        Job[] created = new Job[1];
        String id = jobIdByIdempotencyKey.computeIfAbsent(idempotencyKey,
                key -> create(input, key).map(job -> (created[0] = job).id()).orElse(null));
        if (id == null) {
            return Optional.empty();
        }
        if (created[0] != null) {
            return Optional.of(new Submission(created[0], true));
        }
        Optional<Job> existing = find(id);
        if (existing.isEmpty()) { // purged meanwhile: the key is free again
            jobIdByIdempotencyKey.remove(idempotencyKey, id);
            return submit(input, idempotencyKey);
        }
        return Optional.of(new Submission(existing.get(), false));
    }

    private Optional<Job> create(JobInput input, String idempotencyKey) {
        if (unfinished.incrementAndGet() > maxPending) {
            unfinished.decrementAndGet();
            return Optional.empty();
        }
        Job job = Job.pending(UUID.randomUUID().toString(), input, idempotencyKey, now());
        repository.add(camelContext, job.id(), null, exchangeOf(job));
        return Optional.of(job);
    }

    /** Removes a job that could not be queued, as if it had never been submitted. */
    public void abandon(Job job) {
        Exchange stored = repository.get(camelContext, job.id());
        if (stored != null) {
            repository.remove(camelContext, job.id(), stored);
            unfinished.decrementAndGet();
        }
        if (job.idempotencyKey() != null) {
            jobIdByIdempotencyKey.remove(job.idempotencyKey(), job.id());
        }
        finishedSignals.remove(job.id());
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
            if (!before.status().isFinished() && after.status().isFinished()) {
                unfinished.decrementAndGet();
                CompletableFuture<Job> signal = finishedSignals.remove(id);
                if (signal != null) {
                    signal.complete(after);
                }
            }
            return Optional.of(new Change(before, after));
        }
    }

    /** Pending or Running to Terminated; a finished job stays as it is. */
    public Optional<Change> terminate(String id, String reason) {
        return update(id, job -> job.status().isFinished() ? job : job.terminated(reason, now()));
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
        repository.remove(camelContext, id, stored);
        if (job.idempotencyKey() != null) {
            jobIdByIdempotencyKey.remove(job.idempotencyKey(), id);
        }
        return PurgeOutcome.PURGED;
    }

    /** Purges the finished jobs last updated longer than {@code jobs.retention} ago; returns how many. */
    public int purgeExpired() {
        Instant cutOff = now().minus(retention);
        int purged = 0;
        for (Job job : all()) {
            if (job.status().isFinished() && job.lastUpdatedTime().isBefore(cutOff)
                    && purge(job.id()) == PurgeOutcome.PURGED) {
                purged++;
            }
        }
        return purged;
    }

    public List<Job> all() {
        List<Job> jobs = new ArrayList<>();
        for (String id : repository.getKeys()) {
            find(id).ifPresent(jobs::add);
        }
        return jobs;
    }

    /**
     * Waits until the job is finished or the time is up, woken by the finishing write itself.
     *
     * @return the job as it is when the wait ends; empty when it does not exist (any more)
     */
    public Optional<Job> awaitFinished(String id, Duration maxWait) throws InterruptedException {
        CompletableFuture<Job> signal = finishedSignals.computeIfAbsent(id, key -> new CompletableFuture<>());
        Optional<Job> current = find(id); // read after registering, so a finish in between is not missed
        if (current.isEmpty() || current.get().status().isFinished()) {
            return current;
        }
        try {
            return Optional.of(signal.get(maxWait.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return find(id);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public Instant now() {
        return clock.instant();
    }

    private Exchange exchangeOf(Job job) {
        Exchange exchange = new DefaultExchange(camelContext);
        exchange.getIn().setBody(job);
        return exchange;
    }
}
