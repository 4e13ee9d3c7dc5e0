package io.asynctablequery.observability;

import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobRunner;
import io.asynctablequery.jobs.JobStatus;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.jobs.JobWatchers;
import io.asynctablequery.query.AuditQuery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The {@code audit_*} metrics of SPEC §8, on the registry Camel's Prometheus service serves. Counters and
 * the duration histogram count what this instance wrote (a job's outcome is written by one instance), so
 * summing over the instances gives the fleet; the gauges are this instance's (pending: the job queue's depth).
 */
public class AuditMetrics implements JobStore.Listener {

    /** Buckets of audit_job_duration_seconds: jobs of seconds to tens of minutes. */
    static final Duration[] DURATION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
        Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(30),
        Duration.ofHours(1)};

    private final Counter submitted;
    private final Map<JobStatus, Counter> finished = new EnumMap<>(JobStatus.class);
    private final Map<JobStatus, Timer> durations = new EnumMap<>(JobStatus.class);

    /**
     * @param pending jobs waiting to be run: this instance's SEDA queue, or the storage queue's depth
     */
    public AuditMetrics(MeterRegistry registry, JobRunner runner, JobWatchers watchers, AuditQuery query,
                        IntSupplier pending) {
        submitted = Counter.builder("audit.jobs.submitted").description("Jobs created by submits to this instance")
                .register(registry);
        for (JobStatus status : new JobStatus[] {JobStatus.Completed, JobStatus.Failed, JobStatus.Terminated}) {
            finished.put(status, Counter.builder("audit.jobs.finished").tag("status", status.name())
                    .description("Jobs that reached a finished state, written by this instance").register(registry));
            durations.put(status, Timer.builder("audit.job.duration").tag("status", status.name())
                    .description("Time from submit to the finished state").serviceLevelObjectives(DURATION_BUCKETS)
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(2))
                    .register(registry));
        }
        Gauge.builder("audit.jobs.running", runner, JobRunner::running)
                .description("Jobs whose scan runs on this instance").register(registry);
        Gauge.builder("audit.jobs.pending", pending, IntSupplier::getAsInt)
                .description("Jobs waiting for a worker (queue mode: the job queue's approximate depth)")
                .strongReference(true).register(registry);
        FunctionCounter.builder("audit.scan.entities", query, AuditQuery::entitiesScanned)
                .description("Entities the scans of this instance read").register(registry);
        FunctionCounter.builder("audit.storage.retries", query, AuditQuery::storageRetries)
                .description("Pages of the audit table retried after a passing storage failure").register(registry);
        Gauge.builder("audit.waits.held", watchers, JobWatchers::held)
                .description("Held long polls and event streams (no thread each)").register(registry);
    }

    @Override
    public void changed(String id, Job job) {
    }

    @Override
    public void submitted(Job job) {
        submitted.increment();
    }

    @Override
    public void finished(Job job) {
        Counter counter = finished.get(job.status());
        if (counter != null) {
            counter.increment();
            durations.get(job.status()).record(Duration.between(job.createdTime(), job.lastUpdatedTime()));
        }
    }
}
