package io.asynctablequery.summaries;

import io.asynctablequery.query.DayRange;
import io.asynctablequery.storage.StorageFailures;
import io.asynctablequery.query.SummarisedDays;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-day summaries in Blob Storage (SPEC §11), as the scan uses them. A job reads the summaries of the settled
 * days of its range ({@code audit.scan-concurrency} blobs at once per instance, in the order asked) and leaves
 * one for each settled day it reads whole. Day {@code D} is settled when {@code D + 1 day +
 * audit.summaries.settled-after <= now} (UTC), now being when the job's scan began. Summaries are an
 * optimisation, never a dependency: an unreadable summary is a day scanned (and written again); the first blob
 * call of a job that fails (an error, or no answer within {@code api.storage-timeout}) ends its use of blob
 * storage, and the job reads the rest from the table. Each failure is a warning in the log and a count in
 * {@code audit_summary_failures_total{operation}}.
 */
public class BlobSummarisedDays implements SummarisedDays {

    private static final Logger LOG = LoggerFactory.getLogger(BlobSummarisedDays.class);

    private final SummaryBlobs blobs;
    private final Duration settledAfter;
    private final Clock clock;
    private final ExecutorService reads;
    private final Counter daysFromSummaries;
    private final Counter daysScanned;
    private final Counter readFailures;
    private final Counter writeFailures;

    /** @param reads reads the summaries, as many at once as it has threads */
    public BlobSummarisedDays(SummaryBlobs blobs, Duration settledAfter, Clock clock, ExecutorService reads,
                              MeterRegistry metrics) {
        this.blobs = blobs;
        this.settledAfter = settledAfter;
        this.clock = clock;
        this.reads = reads;
        this.daysFromSummaries = days(metrics, "summary", "Days of jobs answered from their summaries");
        this.daysScanned = days(metrics, "scan", "Days of jobs read from the table while summaries are on");
        this.readFailures = failures(metrics, "read");
        this.writeFailures = failures(metrics, "write");
    }

    private static Counter days(MeterRegistry metrics, String source, String description) {
        return Counter.builder("audit.summary.days").tag("source", source).description(description)
                .register(metrics);
    }

    private static Counter failures(MeterRegistry metrics, String operation) {
        return Counter.builder("audit.summary.failures").tag("operation", operation)
                .description("Summary blobs that could not be " + (operation.equals("read") ? "read" : "written")
                        + " (the day was read from the table)").register(metrics);
    }

    /** Whether day {@code day} had stopped changing at {@code now}. */
    boolean settled(LocalDate day, Instant now) {
        return !day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(settledAfter).isAfter(now);
    }

    @Override
    public ForScan open(DayRange range, boolean fresh) {
        return new Scan(range, fresh, clock.instant());
    }

    /** One job's use: ends at the first blob call that fails. */
    private final class Scan implements ForScan {
        private final DayRange range;
        private final boolean fresh;
        private final Instant began;
        private final AtomicBoolean blobsFailed = new AtomicBoolean();

        Scan(DayRange range, boolean fresh, Instant began) {
            this.range = range;
            this.fresh = fresh;
            this.began = began;
        }

        @Override
        public boolean keeps(LocalDate day) {
            return !blobsFailed.get() && settled(day, began);
        }

        @Override
        public void recall(Set<Object> into, BooleanSupplier stop, Predicate<LocalDate> wanted,
                           Consumer<Day> answered) {
            if (fresh || blobsFailed.get()) {
                return;
            }
            List<SummaryBlobs.Listed> days;
            try {
                days = blobs.list(range, false).values().stream()
                        .filter(day -> settled(day.day(), began) && wanted.test(day.day())).toList();
            } catch (RuntimeException e) {
                failed(readFailures, "list the summaries of " + range.start() + ".." + range.end(), e);
                return;
            }
            List<Future<?>> running = new ArrayList<>(days.size());
            for (SummaryBlobs.Listed day : days) {
                running.add(reads.submit(() -> {
                    if (!stop.getAsBoolean() && !blobsFailed.get()) {
                        recall(day, into, answered);
                    }
                }));
            }
            for (Future<?> read : running) {
                try {
                    read.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    blobsFailed.set(true); // the reads left see it and do nothing
                    return;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        }

        private void recall(SummaryBlobs.Listed listed, Set<Object> into, Consumer<Day> answered) {
            LocalDate day = listed.day();
            Optional<DaySummary> summary;
            try {
                summary = blobs.read(listed);
            } catch (UnreadableSummaryException e) {
                readFailures.increment();
                LOG.warn("Summary of day {} in container '{}' is unreadable ({}): the day is read from the table "
                        + "and its summary written again", day, blobs.containerName(), e.getMessage());
                return;
            } catch (RuntimeException e) {
                failed(readFailures, "read the summary of " + day, e);
                return;
            }
            summary.ifPresent(found -> {
                into.addAll(found.values());
                daysFromSummaries.increment();
                answered.accept(new Day(day, found.entitiesScanned(), found.entitiesSkipped()));
            });
        }

        @Override
        public void keep(Day day, Set<Object> values) {
            if (blobsFailed.get() || !settled(day.day(), began)) {
                return;
            }
            try {
                if (!blobs.write(new DaySummary(day.day(), day.entitiesScanned(), day.entitiesSkipped(),
                        List.copyOf(values)))) {
                    LOG.debug("Day {} holds a value a summary cannot keep (binary): not summarised", day.day());
                }
            } catch (RuntimeException e) {
                failed(writeFailures, "write the summary of " + day.day(), e);
            }
        }

        @Override
        public void scanned(int days) {
            daysScanned.increment(days);
        }

        /** Counts the failure; the first of the job ends its use of blob storage, and says so in the log. */
        private void failed(Counter counter, String what, RuntimeException e) {
            counter.increment();
            if (blobsFailed.compareAndSet(false, true)) {
                LOG.warn("Blob storage failed to {} ({}) in container '{}': this job reads its other days from "
                        + "the table and writes no more summaries", what, StorageFailures.code(e),
                        blobs.containerName());
            }
        }
    }
}
