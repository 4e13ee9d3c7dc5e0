package io.asynctablequery.jobs;

import java.util.List;
import java.util.Optional;
import org.apache.camel.spi.OptimisticLockingAggregationRepository;

/**
 * Where jobs are kept: a Camel aggregation repository keyed by job id whose exchanges carry a {@link Job}
 * body, written with an optimistic lock; plus what the API needs beyond that interface.
 */
public interface JobRepository extends OptimisticLockingAggregationRepository {

    /**
     * Makes an idempotency key name a job, unless it names one already.
     *
     * @return the id the key named before; empty when it now names {@code jobId}
     */
    Optional<String> bindIdempotencyKey(String key, String jobId);

    /** Frees a key, if it still names that job. */
    void unbindIdempotencyKey(String key, String jobId);

    /** Jobs not yet finished (Pending or Running), as far as this store can tell cheaply. */
    int countUnfinished();

    /** Jobs of one owner not yet finished. */
    int countUnfinished(String owner);

    /** Every job not yet finished, e.g. to run them again after a restart. */
    List<Job> unfinished();

    /**
     * One page of a listing, newest first.
     *
     * @throws InvalidContinuationTokenException when the token is not one this store gave out
     */
    JobPage list(JobQuery query);
}
