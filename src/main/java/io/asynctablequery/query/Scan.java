package io.asynctablequery.query;

import com.azure.core.http.rest.PagedResponse;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import io.asynctablequery.storage.BackOff;
import io.asynctablequery.storage.StorageFailures;
import io.asynctablequery.storage.StorageRetry;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's scan by {@link AuditQuery}: first the days answered from their summaries, then runners, as many as its
 * lanes (and the instance's lanes let), take the next slice of the other days until none is left or the job must
 * stop, reading page by page, a failing page retried from its continuation token; it is finished when the last
 * runner leaves, or failed when one fails.
 */
final class Scan {

    private static final Logger LOG = LoggerFactory.getLogger(AuditQuery.class);

    private final AuditQuery query;
    final DayRange input;
    final SummarisedDays.ForScan summaries;
    final SummarisedDays.ForScan checkpoint;
    final ScanListener listener;
    volatile List<AuditFilter.Slice> slices = List.of();
    volatile Lanes lanes;
    final AtomicInteger runners = new AtomicInteger();
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    final Set<Object> distinct = ConcurrentHashMap.newKeySet();
    final AtomicInteger nextSlice = new AtomicInteger();
    final AtomicInteger daysDone = new AtomicInteger();
    final AtomicInteger daysFromSummaries = new AtomicInteger();
    final AtomicInteger daysFromCheckpoint = new AtomicInteger();
    final AtomicLong scanned = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicBoolean stop = new AtomicBoolean();
    volatile Progress.Retrying retrying;

    Scan(AuditQuery query, DayRange input, SummarisedDays.ForScan summaries, SummarisedDays.ForScan checkpoint,
         ScanListener listener) {
        this.query = query;
        this.input = input;
        this.summaries = summaries;
        this.checkpoint = checkpoint;
        this.listener = listener;
    }

    /**
     * Takes the days their summaries answer, then those the job's checkpoint answers, then starts runners on slices
     * of the other days.
     */
    void begin() {
        try {
            Set<LocalDate> answered = ConcurrentHashMap.newKeySet();
            summaries.recall(distinct, this::mustStop, day -> true, day -> answered(day, answered, daysFromSummaries));
            checkpoint.recall(distinct, this::mustStop, day -> !answered.contains(day),
                    day -> answered(day, answered, daysFromCheckpoint));
            slices = slicesOfDaysLeft(answered);
            lanes = new Lanes(Math.max(1, Math.min(query.parallelism, slices.size())));
            if (slices.isEmpty()) {
                finished.complete(null);
                return;
            }
            addRunners();
        } catch (RuntimeException | Error e) {
            stop.set(true);
            finished.completeExceptionally(e);
        }
    }

    private void answered(SummarisedDays.Day day, Set<LocalDate> answered, AtomicInteger source) {
        if (!answered.add(day.day())) {
            return;
        }
        scanned.addAndGet(day.entitiesScanned());
        skipped.addAndGet(day.entitiesSkipped());
        source.incrementAndGet();
        daysDone.incrementAndGet();
        listener.onProgress(progress());
    }

    /** Whether a day's values are to be kept apart while its slice is read: its summary or the checkpoint takes it. */
    private boolean keeps(LocalDate day) {
        return summaries.keeps(day) || checkpoint.keeps(day);
    }

    /**
     * Slices of the runs of days not answered. A run that another day follows reads up to that day, as the
     * original filter does; the run at the end of the range reads up to the day after it only when the end day
     * is to be kept (see {@link AuditFilter#slices(LocalDate, LocalDate, int, boolean)}).
     */
    private List<AuditFilter.Slice> slicesOfDaysLeft(Set<LocalDate> answered) {
        List<AuditFilter.Slice> left = new ArrayList<>();
        LocalDate runStart = null;
        for (LocalDate day = input.start(); !day.isAfter(input.end()); day = day.plusDays(1)) {
            if (!answered.contains(day)) {
                runStart = runStart == null ? day : runStart;
            }
            boolean runEnds = answered.contains(day.plusDays(1)) || day.equals(input.end());
            if (runStart != null && runEnds && !answered.contains(day)) {
                boolean last = day.equals(input.end());
                left.addAll(query.filter.slices(runStart, day, query.sliceDays, !last || keeps(day)));
                runStart = null;
            }
        }
        return left;
    }

    /** Starts runners until there are as many as lanes (none past the slices left). */
    void addRunners() {
        int running;
        while ((running = runners.get()) < Math.min(lanes.count(), slices.size() - nextSlice.get())) {
            if (runners.compareAndSet(running, running + 1)) {
                CompletableFuture.runAsync(this::run, query.scanThreads);
            }
        }
    }

    /** Leaves, as one runner too many, when the lanes were cut. */
    private boolean leaveAsSurplus() {
        int running;
        while ((running = runners.get()) > lanes.count()) {
            if (runners.compareAndSet(running, running - 1)) {
                return true;
            }
        }
        return false;
    }

    void run() {
        try {
            int index;
            while (!mustStop() && (index = nextSlice.getAndIncrement()) < slices.size()) {
                AuditFilter.Slice slice = slices.get(index);
                if (!takeInstanceLane()) {
                    break;
                }
                SliceRead read = new SliceRead(slice, input.end(), summaries, checkpoint);
                long started = lanes.now();
                boolean whole;
                try {
                    whole = scanSlice(read);
                } finally {
                    query.instanceLanes.release();
                }
                if (whole) {
                    read.handOver(); // kept even when the job is stopping: a run after it need not read it again
                }
                if (!stop.get()) {
                    daysDone.addAndGet(slice.days());
                    listener.onProgress(progress());
                    lanes.sliceDone(read.entities, started);
                    addRunners();
                }
                if (leaveAsSurplus()) {
                    return; // counted out already; never the last runner (there is at least one lane)
                }
            }
        } catch (RuntimeException | Error e) {
            stop.set(true);
            finished.completeExceptionally(e);
        }
        if (runners.decrementAndGet() <= 0) {
            finished.complete(null);
        }
    }

    /** Waits for one of the instance's lanes, looking every quarter second whether the job must stop. */
    private boolean takeInstanceLane() {
        try {
            while (!query.instanceLanes.tryAcquire(250, TimeUnit.MILLISECONDS)) {
                if (mustStop()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.set(true);
            return false;
        }
    }

    /**
     * Reads a slice page by page, keeping its place (the continuation token) when a page must be retried; true when
     * it read the last page (false: told to stop before).
     */
    private boolean scanSlice(SliceRead read) {
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(read.slice.filter())
                .setSelect(read.keeping ? List.of(query.distinctProperty, "PartitionKey")
                        : List.of(query.distinctProperty));
        String token = null;
        do {
            PagedResponse<TableEntity> page = readPage(options, token, read);
            if (page == null) {
                return !stop.get(); // no more pages, or told to stop while waiting to retry
            }
            long pageSkipped = 0;
            long pageCounted = 0;
            List<TableEntity> entities = page.getValue();
            for (TableEntity entity : entities) {
                if (!read.counts(entity)) {
                    continue;
                }
                pageCounted++;
                Object value = entity.getProperty(query.distinctProperty);
                if (value == null) {
                    pageSkipped++;
                } else {
                    distinct.add(value);
                }
                read.tally(entity, value);
            }
            scanned.addAndGet(pageCounted);
            query.entitiesRead.addAndGet(entities.size());
            skipped.addAndGet(pageSkipped);
            read.entities += entities.size();
            token = page.getContinuationToken();
        } while (token != null && !mustStop());
        return token == null;
    }

    /**
     * One page (the first when {@code token} is null). A passing failure (no connection, no answer, Azure's
     * 503/500) is retried with exponential back-off and jitter until the page has failed for
     * {@code jobs.storage-outage-tolerance}; then, or on any other failure, the failure is thrown.
     */
    private PagedResponse<TableEntity> readPage(ListEntitiesOptions options, String token, SliceRead read) {
        StorageRetry retry = new StorageRetry(query.outageTolerance, BackOff.STORAGE);
        while (true) {
            long asked = lanes.now();
            try {
                Iterator<PagedResponse<TableEntity>> pages = query.table.listEntities(options, null, null)
                        .iterableByPage(token).iterator();
                PagedResponse<TableEntity> page = pages.hasNext() ? pages.next() : null;
                if (retry.failures() > 0) {
                    read.retried = true;
                    retrying(null);
                }
                return page;
            } catch (RuntimeException e) {
                Duration wait = retry.waitAfter(e); // throws e when it is not passing or lasted too long
                query.retries.incrementAndGet();
                String code = StorageFailures.code(e);
                if ("ServerBusy".equals(code)) {
                    lanes.serverBusy(asked);
                }
                retrying(new Progress.Retrying(retry.failures(), code));
                LOG.debug("Page of table '{}' failed ({}); retry {}", query.tableName, code, retry.failures());
                if (!pause(wait)) {
                    return null;
                }
            }
        }
    }

    private void retrying(Progress.Retrying state) {
        retrying = state;
        listener.onProgress(progress());
    }

    /** Waits, looking every quarter second whether the job must stop; false when it must. */
    private boolean pause(Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            if (mustStop()) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(250)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
                return false;
            }
        }
        return !mustStop();
    }

    private boolean mustStop() {
        if (!stop.get() && listener.shouldStop()) {
            stop.set(true);
        }
        return stop.get();
    }

    Progress progress() {
        return new Progress(input.days(), daysDone.get(), scanned.get(), skipped.get(), retrying,
                daysFromSummaries.get(), daysFromCheckpoint.get());
    }
}
