package io.asynctablequery.summaries;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobDownloadContentResponse;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.asynctablequery.query.DayRange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The summary blobs of one table and query, in the container {@code audit.summaries.container}: one blob per
 * day, named {@code <table>/q<hash of the query>/<yyyy-MM-dd>.summary.gz}, with its counts also as metadata (so
 * a listing shows them without reading the blobs). The hash covers the storage account, the table, the filter
 * and the counted property: another table or query never reads these. Every call has a deadline
 * ({@code api.storage-timeout}) and is tried once; a failure is thrown to the caller. The blobs read or written
 * lately are kept in memory ({@link SummaryCache}, at most 16 MB) and taken from there while the listing shows
 * them unchanged.
 */
public class SummaryBlobs {

    /** A summarised day as a listing shows it. */
    public record Listed(LocalDate day, long distinct, long entitiesScanned, long entitiesSkipped,
                         Instant summarisedTime, String etag) {
    }

    private final BlobContainerClient container;
    private final String key;
    private final Duration timeout;
    private final SummaryCache cache;

    /**
     * @param account the storage account of the table (its name, as the table client sees it)
     * @param query   the query's definition: its filter's condition and the counted property
     */
    public SummaryBlobs(BlobContainerClient container, String account, String table, String query, Duration timeout) {
        this.container = container;
        this.key = table + "/q" + hash(account + "\n" + table + "\n" + query).substring(0, 16);
        this.timeout = timeout;
        this.cache = new SummaryCache(Math.min(16L << 20, Runtime.getRuntime().maxMemory() / 16));
    }

    /** Creates the container when it is missing. */
    public void createContainerIfMissing() {
        container.createIfNotExistsWithResponse(null, timeout, Context.NONE);
    }

    /** The container's name, for the log. */
    public String containerName() {
        return container.getBlobContainerName();
    }

    /** The key a summary's content names (the blob names' prefix). */
    String key() {
        return key;
    }

    /** The summarised days of the range, by day, with their counts; one listing per year of the range. */
    public Map<LocalDate, Listed> list(DayRange range) {
        return list(range, true);
    }

    /**
     * As above; without {@code counts} the listing is lighter, and a day's counts are -1 (a scan reads them from
     * the blob).
     */
    public Map<LocalDate, Listed> list(DayRange range, boolean counts) {
        Map<LocalDate, Listed> days = new TreeMap<>();
        for (int year = range.start().getYear(); year <= range.end().getYear(); year++) {
            ListBlobsOptions options = new ListBlobsOptions().setPrefix(key + "/" + year + "-")
                    .setDetails(new BlobListDetails().setRetrieveMetadata(counts));
            for (BlobItem item : container.listBlobs(options, timeout)) {
                LocalDate day = dayOf(item.getName());
                if (day != null && !day.isBefore(range.start()) && !day.isAfter(range.end())) {
                    Map<String, String> metadata = item.getMetadata() == null ? Map.of() : item.getMetadata();
                    days.put(day, new Listed(day, number(metadata.get("distinct")),
                            number(metadata.get("entitiesscanned")), number(metadata.get("entitiesskipped")),
                            item.getProperties().getLastModified().toInstant(),
                            item.getProperties().getETag()));
                }
            }
        }
        return days;
    }

    /**
     * A day's summary as listed: from the cache when it holds the blob at the listed ETag, else read; empty when
     * there is none (removed since it was listed).
     *
     * @throws UnreadableSummaryException when the blob is not a whole summary of this day and query
     */
    public Optional<DaySummary> read(Listed listed) throws UnreadableSummaryException {
        String name = name(listed.day());
        byte[] content = cache.get(name, listed.etag());
        if (content == null) {
            try {
                BlobDownloadContentResponse response = container.getBlobClient(name)
                        .downloadContentWithResponse(null, null, timeout, Context.NONE);
                content = response.getValue().toBytes();
                cache.put(name, response.getDeserializedHeaders().getETag(), content);
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        }
        try {
            return Optional.of(DaySummaryFormat.decode(content, key, listed.day()));
        } catch (UnreadableSummaryException e) {
            cache.remove(name);
            throw e;
        }
    }

    /**
     * Writes a day's summary whole (one Put Blob: a reader sees the old one or this one), replacing any.
     *
     * @return false when a value's type cannot be kept (binary): nothing written
     */
    public boolean write(DaySummary summary) {
        Optional<byte[]> content = DaySummaryFormat.encode(key, summary.day(), summary.entitiesScanned(),
                summary.entitiesSkipped(), summary.values());
        if (content.isEmpty()) {
            return false;
        }
        BlobParallelUploadOptions upload = new BlobParallelUploadOptions(BinaryData.fromBytes(content.get()))
                .setHeaders(new BlobHttpHeaders().setContentType("application/gzip"))
                .setMetadata(Map.of("distinct", String.valueOf(summary.values().size()),
                        "entitiesscanned", String.valueOf(summary.entitiesScanned()),
                        "entitiesskipped", String.valueOf(summary.entitiesSkipped())));
        String name = name(summary.day());
        cache.put(name, container.getBlobClient(name).uploadWithResponse(upload, timeout, Context.NONE)
                .getValue().getETag(), content.get());
        return true;
    }

    /** Removes the summaries of the range's days; returns how many there were. */
    public int delete(DayRange range) {
        int removed = 0;
        for (LocalDate day : list(range, false).keySet()) {
            container.getBlobClient(name(day)).deleteIfExistsWithResponse(null, null, timeout, Context.NONE);
            cache.remove(name(day));
            removed++;
        }
        return removed;
    }

    private String name(LocalDate day) {
        return key + "/" + day + ".summary.gz";
    }

    private LocalDate dayOf(String name) {
        String suffix = ".summary.gz";
        if (!name.startsWith(key + "/") || !name.endsWith(suffix)) {
            return null;
        }
        try {
            return LocalDate.parse(name.substring(key.length() + 1, name.length() - suffix.length()));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static long number(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
