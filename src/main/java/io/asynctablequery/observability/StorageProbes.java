package io.asynctablequery.observability;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableServiceException;
import com.azure.storage.queue.QueueClient;
import io.asynctablequery.storage.StorageFailures;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the storage the instance needs answers: one probe per part (the audit table, the job table, the
 * job queue), each a cheap call bounded by {@code api.storage-timeout}. A result is reused for
 * {@code cacheFor}, so frequent probes of the platform cost nothing; when one is asked for after that, every
 * stale probe is started at once, so a readiness check that asks for all of them waits one timeout, not three.
 */
public class StorageProbes {

    /** What a probe found. */
    public record Outcome(boolean up, String message) {
    }

    private final Duration timeout;
    private final long cacheForNanos;
    private final Map<String, Probe> probes = new LinkedHashMap<>();
    private final ExecutorService calls;

    private final String credential;

    /**
     * @param credential how the instance reaches storage ({@code azure.storage.credential-type})
     * @param calls      runs the probes (a cached pool: all of them at once)
     */
    public StorageProbes(Duration timeout, Duration cacheFor, String credential, ExecutorService calls) {
        this.timeout = timeout;
        this.calls = calls;
        this.cacheForNanos = cacheFor.toNanos();
        this.credential = credential;
    }

    /** A table answers: reading an entity that does not exist gives "not found" from an existing table. */
    public StorageProbes table(String name, TableClient table) {
        probes.put(name, new Probe(() -> {
            try {
                table.getEntityWithResponse("probe", "probe", List.of("PartitionKey"), timeout, Context.NONE);
            } catch (TableServiceException e) {
                String code = e.getValue() == null ? null : e.getValue().getErrorCode() == null ? null
                        : e.getValue().getErrorCode().toString();
                if (e.getResponse().getStatusCode() != 404 || "TableNotFound".equals(code)) {
                    throw e;
                }
            }
            return new Outcome(true, "table " + table.getTableName() + " answers");
        }));
        return this;
    }

    /**
     * The identity gives a token for storage (SPEC §12): asked of the credential itself, so that readiness names
     * it whether it refuses, fails or does not answer in time (a storage call waiting for a token only times out).
     */
    public StorageProbes credential(String name, TokenCredential credential) {
        TokenRequestContext storageToken = new TokenRequestContext().addScopes("https://storage.azure.com/.default");
        probes.put(name, new Probe(() -> {
            credential.getTokenSync(storageToken);
            return new Outcome(true, "the " + this.credential + " credential gives tokens");
        }, "no token from the " + this.credential + " credential within " + timeout));
        return this;
    }

    /** A queue answers: its properties (the same call gives its depth). */
    public StorageProbes queue(String name, QueueClient queue) {
        probes.put(name, new Probe(() -> {
            queue.getPropertiesWithResponse(timeout, Context.NONE);
            return new Outcome(true, "queue " + queue.getQueueName() + " answers");
        }));
        return this;
    }

    public Iterable<String> names() {
        return probes.keySet();
    }

    /** The latest outcome of a probe, waiting for a fresh one when the cached one is too old. */
    public Outcome check(String name) {
        long now = System.nanoTime();
        probes.values().forEach(probe -> probe.refreshIfStale(now));
        try {
            return probes.get(name).latest().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Outcome(false, probes.get(name).silence);
        } catch (ExecutionException e) {
            return new Outcome(false, StorageFailures.describe(e.getCause(), credential));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted");
        }
    }

    private final class Probe {
        private final Callable<Outcome> call;
        private final String silence;
        private CompletableFuture<Outcome> latest;
        private long finishedAt;

        Probe(Callable<Outcome> call) {
            this(call, "no answer within " + timeout);
        }

        /** @param silence what the probe says when no answer came in time */
        Probe(Callable<Outcome> call, String silence) {
            this.call = call;
            this.silence = silence;
        }

        synchronized void refreshIfStale(long now) {
            if (latest == null || latest.isDone() && now - finishedAt > cacheForNanos) {
                CompletableFuture<Outcome> next = new CompletableFuture<>();
                latest = next;
                calls.execute(() -> {
                    try {
                        Outcome outcome = call.call();
                        finished(next);
                        next.complete(outcome);
                    } catch (Exception | Error e) {
                        finished(next);
                        next.completeExceptionally(e);
                    }
                });
            }
        }

        private synchronized void finished(CompletableFuture<Outcome> which) {
            if (latest == which) {
                finishedAt = System.nanoTime();
            }
        }

        synchronized CompletableFuture<Outcome> latest() {
            return latest;
        }
    }
}
