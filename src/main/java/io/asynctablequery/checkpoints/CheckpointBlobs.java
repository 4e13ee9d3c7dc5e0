package io.asynctablequery.checkpoints;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.AppendBlobCreateOptions;
import com.azure.storage.blob.specialized.AppendBlobClient;
import io.asynctablequery.summaries.DaySummary;
import io.asynctablequery.summaries.DaySummaryFormat;
import io.asynctablequery.summaries.UnreadableSummaryException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The checkpoint blobs, in the container {@code jobs.checkpoints.container}: one append blob per job,
 * {@code <job id>.checkpoint}, to which each day the job reads whole is appended as one record: its length (4 bytes,
 * big-endian), then a day summary's content ({@link DaySummaryFormat}: gzip, a header naming the key, the day and
 * its counts, the sorted values, and {@code end}); the records waiting are appended together, as one block. A block
 * is appended whole or not at all, so a reader sees whole records; one that does not decode is skipped (its day is read again), one whose length is not believable ends the
 * reading there. Every call has a deadline and is tried once.
 */
public class CheckpointBlobs {

    /** Azure's largest appended block, for every service version: 4 MiB. */
    static final int MAX_BLOCK_BYTES = 4 * 1024 * 1024;
    /** A day's record (its length included) fits in one block; a larger one is not kept. */
    static final int MAX_RECORD_BYTES = MAX_BLOCK_BYTES - 4;

    private final BlobContainerClient container;
    private final String key;
    private final Duration timeout;

    /** @param key names the table and the counted property: a record of another query is refused */
    public CheckpointBlobs(BlobContainerClient container, String key, Duration timeout) {
        this.container = container;
        this.key = key;
        this.timeout = timeout;
    }

    /** Creates the container when it is missing. */
    public void createContainerIfMissing() {
        container.createIfNotExistsWithResponse(null, timeout, Context.NONE);
    }

    public String containerName() {
        return container.getBlobContainerName();
    }

    /** A day's record; empty when a value cannot be kept (binary) or it is too large for one block. */
    Optional<byte[]> record(DaySummary day) {
        return DaySummaryFormat.encode(key, day.day(), day.entitiesScanned(), day.entitiesSkipped(), day.values())
                .filter(content -> content.length <= MAX_RECORD_BYTES)
                .map(content -> ByteBuffer.allocate(4 + content.length).putInt(content.length).put(content).array());
    }

    /** Creates the job's blob, empty, unless it exists already. */
    void create(String jobId) {
        blob(jobId).createIfNotExistsWithResponse(new AppendBlobCreateOptions(), timeout, Context.NONE);
    }

    /**
     * Appends whole records (at most {@link #MAX_BLOCK_BYTES}) as one block; throws when the blob is gone (the job
     * completed meanwhile) or storage fails.
     */
    void append(String jobId, byte[] records) {
        blob(jobId).appendBlockWithResponse(new ByteArrayInputStream(records), records.length, null, null, timeout,
                Context.NONE);
    }

    /**
     * Reads the job's records in order, handing each whole one to {@code day}; returns how many were unreadable.
     * No blob: nothing. Streams the blob: a year of values is never held as bytes.
     */
    int read(String jobId, Consumer<DaySummary> day) throws IOException {
        int unreadable = 0;
        InputStream stream;
        try {
            stream = blob(jobId).openInputStream();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return 0;
            }
            throw e;
        }
        try (DataInputStream in = new DataInputStream(stream)) {
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException end) {
                    return unreadable;
                }
                if (length <= 0 || length > MAX_RECORD_BYTES) {
                    return unreadable + 1; // not a record's length: nothing after it can be trusted
                }
                byte[] content = new byte[length];
                try {
                    in.readFully(content);
                } catch (EOFException truncated) {
                    return unreadable + 1;
                }
                try {
                    day.accept(DaySummaryFormat.decode(content, key));
                } catch (UnreadableSummaryException e) {
                    unreadable++;
                }
            }
        }
    }

    /** Removes the job's blob, if there is one. */
    void delete(String jobId) {
        blob(jobId).deleteIfExistsWithResponse(null, null, timeout, Context.NONE);
    }

    private AppendBlobClient blob(String jobId) {
        return container.getBlobClient(jobId + ".checkpoint").getAppendBlobClient();
    }
}
