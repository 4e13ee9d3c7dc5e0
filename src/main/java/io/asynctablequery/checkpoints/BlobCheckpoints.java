package io.asynctablequery.checkpoints;

import io.asynctablequery.query.Checkpoints;
import io.asynctablequery.query.DayRange;
import io.asynctablequery.query.SummarisedDays;
import io.asynctablequery.storage.StorageFailures;
import io.asynctablequery.summaries.DaySummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints in Blob Storage (SPEC §15, the job table's modes): any instance resumes any job from them. A run
 * reads its job's blob once, as its scan begins, and appends the days it reads whole in the background, what waits
 * in one block, so the scan never waits for blob storage (at most {@value #MAX_PENDING_BYTES} bytes wait per run;
 * past that a day is not kept, and is read again if the job runs again). Never a reason for a failed job or a wrong answer: a record that
 * does not decode is a day read again; the first blob call of a run that fails ends that run's use of checkpoints
 * (a warning, and {@code audit_checkpoint_failures_total{operation}}), and it reads the table.
 */
public class BlobCheckpoints implements Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(BlobCheckpoints.class);
    /** Records waiting to be appended, at most, per run: past it a day is not kept (it is read again if need be). */
    static final long MAX_PENDING_BYTES = 16L << 20;

    private final CheckpointBlobs blobs;
    private final ExecutorService writes;
    private final Duration closeWait;
    private final Counter daysRecalled;
    private final Counter readFailures;
    private final Counter writeFailures;
    private final Counter deleteFailures;

    /**
     * @param writes    appends the records in the background
     * @param closeWait how long the end of a scan waits for its records still being appended
     */
    public BlobCheckpoints(CheckpointBlobs blobs, ExecutorService writes, Duration closeWait, MeterRegistry metrics) {
        this.blobs = blobs;
        this.writes = writes;
        this.closeWait = closeWait;
        this.daysRecalled = Counter.builder("audit.checkpoint.days")
                .description("Days of jobs answered from their checkpoints").register(metrics);
        this.readFailures = failures(metrics, "read");
        this.writeFailures = failures(metrics, "write");
        this.deleteFailures = failures(metrics, "delete");
    }

    private static Counter failures(MeterRegistry metrics, String operation) {
        return Counter.builder("audit.checkpoint.failures").tag("operation", operation)
                .description("Checkpoint blob calls that failed (the job read those days from the table)")
                .register(metrics);
    }

    @Override
    public SummarisedDays.ForScan open(String jobId, DayRange range) {
        return new Run(jobId, range);
    }

    /** Removes the job's blob now (a failure is logged and counted: a stray blob costs storage, not answers). */
    @Override
    public void remove(String jobId) {
        try {
            blobs.delete(jobId);
        } catch (RuntimeException e) {
            deleteFailures.increment();
            LOG.warn("Blob storage failed to remove the checkpoint of job {} ({}) in container '{}'", jobId,
                    StorageFailures.code(e), blobs.containerName());
        }
    }

    /** One run of a job: ends its use of blob storage at the first call that fails. */
    private final class Run implements SummarisedDays.ForScan {
        private final String jobId;
        private final DayRange range;
        private final AtomicBoolean blobsFailed = new AtomicBoolean();
        private volatile boolean closed;
        private volatile boolean created;
        private final List<byte[]> pending = new ArrayList<>(); // records to append, in order; guarded by this
        private long pendingBytes;
        private boolean flushing;
        private CompletableFuture<Void> flushed = CompletableFuture.completedFuture(null);

        Run(String jobId, DayRange range) {
            this.jobId = jobId;
            this.range = range;
        }

        @Override
        public boolean keeps(LocalDate day) {
            return !blobsFailed.get() && !closed;
        }

        @Override
        public void recall(Set<Object> into, BooleanSupplier stop, Predicate<LocalDate> wanted,
                           Consumer<SummarisedDays.Day> answered) {
            Set<LocalDate> seen = new HashSet<>();
            int unreadable;
            try {
                unreadable = blobs.read(jobId, day -> {
                    if (!stop.getAsBoolean() && inRange(day.day()) && wanted.test(day.day()) && seen.add(day.day())) {
                        into.addAll(day.values());
                        daysRecalled.increment();
                        answered.accept(new SummarisedDays.Day(day.day(), day.entitiesScanned(),
                                day.entitiesSkipped()));
                    }
                });
            } catch (IOException | RuntimeException e) {
                failed(readFailures, "read the checkpoint", e);
                return;
            }
            if (unreadable > 0) {
                readFailures.increment();
                LOG.warn("The checkpoint of job {} in container '{}' holds {} unreadable record(s): those days are "
                        + "read from the table", jobId, blobs.containerName(), unreadable);
            }
        }

        private boolean inRange(LocalDate day) {
            return !day.isBefore(range.start()) && !day.isAfter(range.end());
        }

        @Override
        public void keep(SummarisedDays.Day day, Set<Object> values) {
            if (!keeps(day.day())) {
                return;
            }
            Optional<byte[]> record = blobs.record(new DaySummary(day.day(), day.entitiesScanned(),
                    day.entitiesSkipped(), List.copyOf(values)));
            if (record.isEmpty()) {
                LOG.debug("Day {} of job {} is not kept in its checkpoint (a binary value, or too large)", day.day(),
                        jobId);
                return;
            }
            synchronized (this) {
                if (pendingBytes + record.get().length > MAX_PENDING_BYTES) {
                    LOG.debug("Day {} of job {} is not kept: {} bytes wait already", day.day(), jobId, pendingBytes);
                    return;
                }
                pending.add(record.get());
                pendingBytes += record.get().length;
                if (!flushing) {
                    flushing = true;
                    flushed = CompletableFuture.runAsync(this::flush, writes);
                }
            }
        }

        /** Appends what waits, as few blocks as it fits in (most often one): one call, whatever the days' number. */
        private void flush() {
            while (true) {
                ByteArrayOutputStream block = new ByteArrayOutputStream();
                synchronized (this) {
                    while (!pending.isEmpty() && (block.size() == 0
                            || block.size() + pending.get(0).length <= CheckpointBlobs.MAX_BLOCK_BYTES)) {
                        byte[] record = pending.remove(0);
                        pendingBytes -= record.length;
                        block.writeBytes(record);
                    }
                    if (block.size() == 0) {
                        flushing = false;
                        return;
                    }
                }
                if (closed || blobsFailed.get()) {
                    continue; // dropped: the scan is over, or blob storage failed this run
                }
                try {
                    if (!created) {
                        blobs.create(jobId);
                        created = true;
                    }
                    blobs.append(jobId, block.toByteArray());
                } catch (RuntimeException e) {
                    failed(writeFailures, "append to the checkpoint", e);
                }
            }
        }

        /** Waits a little for the records still being appended (a resumed job finds them), then drops the rest. */
        @Override
        public void close() {
            CompletableFuture<Void> last;
            synchronized (this) {
                last = flushed;
            }
            try {
                last.get(closeWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("Checkpoint records of job {} still waiting at the end of its scan are dropped", jobId);
            } finally {
                closed = true;
            }
        }

        private void failed(Counter counter, String what, Exception e) {
            counter.increment();
            if (blobsFailed.compareAndSet(false, true)) {
                LOG.warn("Blob storage failed to {} of job {} ({}) in container '{}': this run reads its other days "
                        + "from the table and keeps no more checkpoint", what, jobId,
                        StorageFailures.code(e), blobs.containerName());
            }
        }
    }
}
