package io.asynctablequery.query;

import io.asynctablequery.storage.DaemonThreads;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.rest.PagedResponse;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import io.asynctablequery.storage.BackOff;
import io.asynctablequery.storage.StorageFailures;
import io.asynctablequery.storage.StorageRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table-query bean: the original audit query, counting the distinct values of one property among the
 * entities of a day range whose required property is non-empty. The range is cut into slices of
 * {@code audit.scan-slice-days} whole consecutive day partitions, one query each, selecting only the counted
 * property. A job reads up to {@code audit.scan-parallelism} slices at once, as many as pay ({@link Lanes});
 * all jobs of the instance together read at most {@code audit.scan-concurrency} slices at once, taking turns
 * in the order they asked. Why, measured: bench/RESULTS.md and the README's Performance section.
 */
public class AuditQuery {

    private static final Logger LOG = LoggerFactory.getLogger(AuditQuery.class);

    private final TableServiceClient service;
    private final TableClient table;
    private final String tableName;
    private final String distinctProperty;
    private final AuditFilter filter;
    private final int parallelism;
    private final int sliceDays;
    private final ExecutorService scanThreads;
    private final Semaphore instanceLanes;
    private final Duration outageTolerance;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong entitiesRead = new AtomicLong();
    private final Set<Scan> scans = ConcurrentHashMap.newKeySet();
    private final SummarisedDays summarisedDays;

    /**
     * @param service         a client without retries of its own: a failing page is retried here, from its
     *                        continuation token, for up to {@code outageTolerance}
     * @param outageTolerance how long one page may keep failing with a passing storage failure
     * @param summarisedDays  answers the days it can and is left the days a scan reads whole
     *                        ({@link SummarisedDays#NONE}: summaries off)
     */
    public AuditQuery(TableServiceClient service, String tableName, String distinctProperty, String requiredProperty,
                      int concurrency, int parallelism, int sliceDays, Duration outageTolerance,
                      SummarisedDays summarisedDays) {
        this.outageTolerance = outageTolerance;
        if (concurrency < 1 || parallelism < 1 || sliceDays < 1) {
            throw new IllegalArgumentException(
                    "audit.scan-concurrency, audit.scan-parallelism and audit.scan-slice-days must be at least 1");
        }
        this.instanceLanes = new Semaphore(concurrency, true);
        this.sliceDays = sliceDays;
        this.service = service;
        this.tableName = tableName;
        this.table = service.getTableClient(tableName);
        this.distinctProperty = AuditFilter.checkPropertyName(distinctProperty, "audit.distinct-property");
        this.filter = new AuditFilter(requiredProperty);
        this.parallelism = parallelism;
        this.summarisedDays = summarisedDays;
        this.scanThreads = Executors.newCachedThreadPool(DaemonThreads.named("audit-scan"));
    }

    /**
     * Counts the distinct values in the range.
     *
     * @param fresh    read every day from the table, none from its summary
     * @param deadline when the scan must give up with code {@code Timeout}
     * @throws ScanFailedException when the table is missing, storage cannot be reached, or time ran out
     */
    public ScanResult countDistinct(DayRange input, boolean fresh, Instant deadline, ScanListener listener) {
        Scan scan = new Scan(input, summarisedDays.open(input, fresh), listener);
        scans.add(scan);
        CompletableFuture.runAsync(scan::begin, scanThreads);
        try {
            long waitNanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
            scan.finished.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            scan.stop.set(true);
            throw new ScanFailedException(ScanFailedException.TIMEOUT, "The query did not finish within the job timeout.", e);
        } catch (InterruptedException e) {
            scan.stop.set(true);
            Thread.currentThread().interrupt();
            throw new ScanFailedException(ScanFailedException.INTERNAL, "The query was interrupted.", e);
        } catch (ExecutionException e) {
            scan.stop.set(true);
            throw describe(e.getCause());
        } finally {
            scans.remove(scan);
        }
        return new ScanResult(scan.distinct.size(), scan.progress(), scan.stop.get());
    }

    /**
     * Stops every running scan now, without waiting for the pages in flight: each {@link #countDistinct} returns
     * at once as stopped, and the pages' answers, when they come, are dropped. For an instance whose shutdown
     * grace is over: a page that storage is slow to serve must not hold back the hand-back of its job.
     */
    public void abandonScans() {
        for (Scan scan : scans) {
            scan.stop.set(true);
            scan.finished.complete(null);
        }
    }

    /**
     * One job's scan: first the days answered from their summaries, then runners, as many as its lanes, take the
     * next slice of the other days until none is left or the job must stop; it is finished when the last runner
     * leaves, or failed when one fails.
     */
    private final class Scan {
        final DayRange input;
        final SummarisedDays.ForScan summaries;
        final ScanListener listener;
        volatile List<AuditFilter.Slice> slices = List.of();
        volatile Lanes lanes;
        final AtomicInteger runners = new AtomicInteger();
        final CompletableFuture<Void> finished = new CompletableFuture<>();
        final Set<Object> distinct = ConcurrentHashMap.newKeySet();
        final AtomicInteger nextSlice = new AtomicInteger();
        final AtomicInteger daysDone = new AtomicInteger();
        final AtomicInteger daysFromSummaries = new AtomicInteger();
        final AtomicLong scanned = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        volatile Progress.Retrying retrying;

        Scan(DayRange input, SummarisedDays.ForScan summaries, ScanListener listener) {
            this.input = input;
            this.summaries = summaries;
            this.listener = listener;
        }

        /** Takes the days their summaries answer, then starts runners on slices of the other days. */
        void begin() {
            try {
                Set<LocalDate> answered = ConcurrentHashMap.newKeySet();
                summaries.recall(distinct, this::mustStop, day -> {
                    answered.add(day.day());
                    scanned.addAndGet(day.entitiesScanned());
                    skipped.addAndGet(day.entitiesSkipped());
                    daysFromSummaries.incrementAndGet();
                    daysDone.incrementAndGet();
                    listener.onProgress(progress());
                });
                slices = slicesOfDaysLeft(answered);
                lanes = new Lanes(Math.max(1, Math.min(parallelism, slices.size())));
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
                    left.addAll(filter.slices(runStart, day, sliceDays, !last || summaries.keeps(day)));
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
                    CompletableFuture.runAsync(this::run, scanThreads);
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
                    SliceRead read = new SliceRead(slice);
                    long started = lanes.now();
                    try {
                        scanSlice(read);
                    } finally {
                        instanceLanes.release();
                    }
                    if (!stop.get()) {
                        daysDone.addAndGet(slice.days());
                        listener.onProgress(progress());
                        lanes.sliceDone(read.entities, started);
                        read.handOver();
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
                while (!instanceLanes.tryAcquire(250, TimeUnit.MILLISECONDS)) {
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
         * One slice being read: the entities read, and, when some of its days are to be kept, each day's values
         * and counts, taken apart by the entities' PartitionKey (then selected too).
         */
        private final class SliceRead {
            final AuditFilter.Slice slice;
            final Map<String, DayTally> days = new HashMap<>();
            final boolean keeping;
            final String lastKey;
            long entities;
            boolean odd; // a key that is not one of the slice's days: its days are not kept
            boolean retried; // a page needed more than one try: its days are not kept

            SliceRead(AuditFilter.Slice slice) {
                this.slice = slice;
                for (int i = 0; i < slice.days(); i++) {
                    LocalDate day = slice.first().plusDays(i);
                    if (summaries.keeps(day)) {
                        days.put(day.toString(), new DayTally());
                    }
                }
                this.keeping = !days.isEmpty();
                this.lastKey = input.end().toString();
            }

            /** Whether the entity belongs to the query's range (a key past the end day is read only to know it). */
            boolean counts(TableEntity entity) {
                if (!keeping) {
                    return true;
                }
                String key = entity.getPartitionKey();
                if (key == null || key.compareTo(lastKey) > 0) {
                    odd = true;
                    return key == null;
                }
                if (!days.containsKey(key) && !isDayOfSlice(key)) {
                    odd = true;
                }
                return true;
            }

            void tally(TableEntity entity, Object value) {
                DayTally day = keeping ? days.get(entity.getPartitionKey()) : null;
                if (day != null) {
                    day.scanned++;
                    if (value == null) {
                        day.skipped++;
                    } else {
                        day.values.add(value);
                    }
                }
            }

            private boolean isDayOfSlice(String key) {
                for (int i = 0; i < slice.days(); i++) {
                    if (slice.first().plusDays(i).toString().equals(key)) {
                        return true;
                    }
                }
                return false;
            }

            /** Tells the summaries of the slice's days, once it was read whole. */
            void handOver() {
                summaries.scanned(slice.days());
                if (odd || retried) {
                    return;
                }
                days.forEach((day, tally) -> summaries.keep(
                        new SummarisedDays.Day(LocalDate.parse(day), tally.scanned, tally.skipped), tally.values));
            }
        }

        private static final class DayTally {
            final Set<Object> values = new HashSet<>();
            long scanned;
            long skipped;
        }

        /** Reads a slice page by page, keeping its place (the continuation token) when a page must be retried. */
        private void scanSlice(SliceRead read) {
            ListEntitiesOptions options = new ListEntitiesOptions().setFilter(read.slice.filter())
                    .setSelect(read.keeping ? List.of(distinctProperty, "PartitionKey") : List.of(distinctProperty));
            String token = null;
            do {
                PagedResponse<TableEntity> page = readPage(options, token, read);
                if (page == null) {
                    return; // no more pages, or told to stop while waiting to retry
                }
                long pageSkipped = 0;
                long pageCounted = 0;
                List<TableEntity> entities = page.getValue();
                for (TableEntity entity : entities) {
                    if (!read.counts(entity)) {
                        continue;
                    }
                    pageCounted++;
                    Object value = entity.getProperty(distinctProperty);
                    if (value == null) {
                        pageSkipped++;
                    } else {
                        distinct.add(value);
                    }
                    read.tally(entity, value);
                }
                scanned.addAndGet(pageCounted);
                entitiesRead.addAndGet(entities.size());
                skipped.addAndGet(pageSkipped);
                read.entities += entities.size();
                token = page.getContinuationToken();
            } while (token != null && !mustStop());
        }

        /**
         * One page (the first when {@code token} is null). A passing failure (no connection, no answer, Azure's
         * 503/500) is retried with exponential back-off and jitter until the page has failed for
         * {@code outageTolerance}; then, or on any other failure, the failure is thrown.
         */
        private PagedResponse<TableEntity> readPage(ListEntitiesOptions options, String token, SliceRead read) {
            StorageRetry retry = new StorageRetry(outageTolerance, BackOff.STORAGE);
            while (true) {
                long asked = lanes.now();
                try {
                    Iterator<PagedResponse<TableEntity>> pages = table.listEntities(options, null, null)
                            .iterableByPage(token).iterator();
                    PagedResponse<TableEntity> page = pages.hasNext() ? pages.next() : null;
                    if (retry.failures() > 0) {
                        read.retried = true;
                        retrying(null);
                    }
                    return page;
                } catch (RuntimeException e) {
                    Duration wait = retry.waitAfter(e); // throws e when it is not passing or lasted too long
                    retries.incrementAndGet();
                    String code = StorageFailures.code(e);
                    if ("ServerBusy".equals(code)) {
                        lanes.serverBusy(asked);
                    }
                    retrying(new Progress.Retrying(retry.failures(), code));
                    LOG.debug("Page of table '{}' failed ({}); retry {}", tableName, code, retry.failures());
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
                    daysFromSummaries.get());
        }
    }

    /** Entities read since start-up, by every scan. */
    public long entitiesScanned() {
        return entitiesRead.get();
    }

    /** Pages retried since start-up, by every scan. */
    public long storageRetries() {
        return retries.get();
    }

    /** Turns an SDK failure into a message that names the table or the endpoint, and never a key. */
    ScanFailedException describe(Throwable failure) {
        String endpoint = service.getServiceEndpoint();
        if (failure instanceof ScanFailedException known) {
            return known;
        }
        // The pager throws the SDK's internal error type, not TableServiceException: both are HTTP errors.
        if (failure instanceof HttpResponseException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
            String code = e instanceof TableServiceException tableError && tableError.getValue() != null
                    && tableError.getValue().getErrorCode() != null ? tableError.getValue().getErrorCode().toString()
                    : "";
            if (status == 404) {
                return new ScanFailedException(ScanFailedException.TABLE_NOT_FOUND,
                        "Table '" + tableName + "' was not found in the storage account at " + endpoint + ".", e);
            }
            return new ScanFailedException(ScanFailedException.STORAGE_ERROR, "Azure Table Storage at " + endpoint
                    + " answered HTTP " + status + (code.isEmpty() ? "" : " (" + code + ")") + " for table '"
                    + tableName + "'.", e);
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof TimeoutException) {
                return new ScanFailedException(ScanFailedException.STORAGE_UNREACHABLE,
                        "Could not reach Azure Table Storage at " + endpoint + " (" + cause.getClass().getSimpleName()
                                + ").", failure);
            }
        }
        LOG.error("Table query on '{}' failed", tableName, failure);
        return new ScanFailedException(ScanFailedException.INTERNAL, "The table query failed unexpectedly.", failure);
    }
}
