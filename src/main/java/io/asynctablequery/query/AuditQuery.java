package io.asynctablequery.query;

import com.azure.core.exception.HttpResponseException;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.TableServiceException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
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
    /** How long a scan told to stop (out of time, or its instance stopping) waits for its pages in flight. */
    private static final Duration DRAIN = Duration.ofSeconds(1);

    private final TableServiceClient service;
    final TableClient table;
    final String tableName;
    final String distinctProperty;
    final AuditFilter filter;
    final int parallelism;
    final int sliceDays;
    final ExecutorService scanThreads;
    final Semaphore instanceLanes;
    final Duration outageTolerance;
    final AtomicLong retries = new AtomicLong();
    final AtomicLong entitiesRead = new AtomicLong();
    private final Set<Scan> scans = ConcurrentHashMap.newKeySet();
    private final SummarisedDays summarisedDays;

    /**
     * @param service        a client without retries of its own: a failing page is retried here, from its
     *                       continuation token, for up to {@link ScanLimits#outageTolerance}
     * @param summarisedDays answers the days it can and is left the days a scan reads whole
     *                       ({@link SummarisedDays#NONE}: summaries off)
     * @param scanThreads    runs the scans and their slices (a cached pool: the limits bound how many run)
     */
    public AuditQuery(TableServiceClient service, String tableName, String distinctProperty, String requiredProperty,
                      ScanLimits limits, SummarisedDays summarisedDays, ExecutorService scanThreads) {
        this.outageTolerance = limits.outageTolerance();
        this.instanceLanes = new Semaphore(limits.concurrency(), true);
        this.sliceDays = limits.sliceDays();
        this.service = service;
        this.tableName = tableName;
        this.table = service.getTableClient(tableName);
        this.distinctProperty = AuditFilter.checkPropertyName(distinctProperty, "audit.distinct-property");
        this.filter = new AuditFilter(requiredProperty);
        this.parallelism = limits.parallelism();
        this.summarisedDays = summarisedDays;
        this.scanThreads = scanThreads;
    }

    /**
     * Counts the distinct values in the range.
     *
     * @param fresh      read every day from the table, none from its summary
     * @param deadline   when the scan must give up with code {@code Timeout}
     * @param checkpoint the job's checkpoint ({@link Checkpoints#open}): days it answers are not read, days read
     *                   whole are left to it; closed when the scan ends
     * @throws ScanFailedException when the table is missing, storage cannot be reached, or time ran out
     */
    public ScanResult countDistinct(DayRange input, boolean fresh, Instant deadline, ScanListener listener,
                                    SummarisedDays.ForScan checkpoint) {
        Scan scan = new Scan(this, input, summarisedDays.open(input, fresh), checkpoint, listener);
        scans.add(scan);
        CompletableFuture.runAsync(scan::begin, scanThreads);
        try {
            long waitNanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
            scan.finished.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            scan.stop.set(true);
            drain(scan);
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
            checkpoint.close();
        }
        return new ScanResult(scan.distinct.size(), scan.progress(), scan.stop.get());
    }

    /**
     * Lets the runners of a scan told to stop end their pages in flight, for up to {@link #DRAIN}: a slice they read
     * whole is left to the job's checkpoint (and summaries) before it is closed, so that a run after this one (a
     * rewind after a timeout) need not read it again.
     */
    private static void drain(Scan scan) {
        try {
            scan.finished.get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a runner failed or is slow: what it read is not kept
        }
    }

    /**
     * Stops every running scan: its pages in flight may end for up to {@link #DRAIN} (the slices they complete are
     * left to the job's checkpoint), then each {@link #countDistinct} returns as stopped and later answers are
     * dropped. For an instance whose shutdown grace is over: a page that storage is slow to serve must not hold back
     * the hand-back of its job for longer.
     */
    public void abandonScans() {
        List<Scan> running = List.copyOf(scans);
        running.forEach(scan -> scan.stop.set(true));
        long end = System.nanoTime() + DRAIN.toNanos();
        for (Scan scan : running) {
            try {
                scan.finished.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // failed, or still reading: abandoned below
            }
            scan.finished.complete(null);
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
