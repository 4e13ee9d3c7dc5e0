package io.asynctablequery.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Azure Table Storage's published scalability targets, modelled for a proxy in front of Azurite: each partition
 * serves {@code partitionRate} entities a second and the account {@code accountRate}; every request costs a
 * round trip of {@code latency}; a request that finds a partition or the account more than {@code busyBacklog}
 * behind is answered {@code 503 ServerBusy}, as Azure answers a client that pushes past the targets.
 *
 * <p>A query's page is served the way one partition server walks it: the partitions of its entities one after
 * another, each at that partition's rate and after whatever that partition already owes to other requests; the
 * account's rate is shared by every request. The page is answered when both are through, plus the latency. To see
 * each entity's partition, {@link #rewrite} adds {@code PartitionKey} to a query's {@code $select} (SharedKey
 * signing of tables covers only {@code ?comp=}, so the signature still holds); the client then receives that
 * property too.
 *
 * <p>Not modelled: Azure's page cuts at partition boundaries and its 5 s per-page limit, per-request costs other
 * than the latency (point reads, writes and batches pass with the latency only), the gradual load balancing of
 * hot partition ranges, and the network's bandwidth.
 */
public final class AzureModel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern DAY = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final double partitionRate;
    private final double accountRate;
    private final long latencyNanos;
    private final long busyBacklogNanos;
    private final Map<String, Long> partitionFreeAt = new HashMap<>();
    private long accountFreeAt;
    private final AtomicLong entities = new AtomicLong();
    private final AtomicLong dayEntities = new AtomicLong();
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong busyAnswers = new AtomicLong();

    public AzureModel(double partitionRate, double accountRate, Duration latency, Duration busyBacklog) {
        if (partitionRate <= 0 || accountRate <= 0) {
            throw new IllegalArgumentException("rates must be positive");
        }
        this.partitionRate = partitionRate;
        this.accountRate = accountRate;
        this.latencyNanos = latency.toNanos();
        this.busyBacklogNanos = busyBacklog.toNanos();
    }

    /** Azure's published targets: 2,000 entities/s per partition, 20,000/s per account; 5 ms; busy past 1 s. */
    public static AzureModel azureTargets() {
        return new AzureModel(2_000, 20_000, Duration.ofMillis(5), Duration.ofSeconds(1));
    }

    /** The request target with {@code PartitionKey} added to a {@code $select} that lacks it. */
    public static String rewrite(String target) {
        int select = target.indexOf("$select=");
        if (select < 0) {
            return target;
        }
        int end = target.indexOf('&', select);
        end = end < 0 ? target.length() : end;
        String selected = target.substring(select, end);
        if (selected.contains("PartitionKey")) {
            return target;
        }
        return target.substring(0, end) + "%2CPartitionKey" + target.substring(end);
    }

    /**
     * When the answer to a request may be sent, as {@link System#nanoTime()}; or -1 when the request must be
     * answered {@code 503 ServerBusy} instead (it then takes nothing from the rates).
     *
     * @param responseBody the answer storage gave, as JSON; entities are read from its {@code value} array
     */
    public long releaseAt(byte[] responseBody) {
        Map<String, Integer> perPartition = partitionsOf(responseBody);
        return releaseAt(perPartition, System.nanoTime());
    }

    /** As above, at a given {@link System#nanoTime()}: the model's arithmetic, on a clock a test holds still. */
    long releaseAt(byte[] responseBody, long now) {
        return releaseAt(partitionsOf(responseBody), now);
    }

    private long releaseAt(Map<String, Integer> perPartition, long now) {
        synchronized (this) {
            if (accountFreeAt - now > busyBacklogNanos) {
                busyAnswers.incrementAndGet();
                return -1;
            }
            for (String partition : perPartition.keySet()) {
                if (partitionFreeAt.getOrDefault(partition, now) - now > busyBacklogNanos) {
                    busyAnswers.incrementAndGet();
                    return -1;
                }
            }
            long cursor = now;
            int total = 0;
            for (Map.Entry<String, Integer> part : perPartition.entrySet()) {
                long start = Math.max(cursor, partitionFreeAt.getOrDefault(part.getKey(), now));
                cursor = start + nanos(part.getValue(), partitionRate);
                partitionFreeAt.put(part.getKey(), cursor);
                total += part.getValue();
                if (DAY.matcher(part.getKey()).lookingAt()) {
                    dayEntities.addAndGet(part.getValue());
                }
            }
            if (total > 0) {
                accountFreeAt = Math.max(now, accountFreeAt) + nanos(total, accountRate);
                cursor = Math.max(cursor, accountFreeAt);
                entities.addAndGet(total);
                queries.incrementAndGet();
            }
            return cursor + latencyNanos;
        }
    }

    /**
     * Entities served (all, and those of day partitions), queries that returned any, and 503 answers since the start,
     * as key=value pairs.
     */
    public String stats() {
        return "entities=" + entities.get() + " day_entities=" + dayEntities.get() + " queries=" + queries.get()
                + " server_busy=" + busyAnswers.get();
    }

    /**
     * Entities served from partitions whose key starts as a day ({@code yyyy-MM-dd}): an audit table's rows, not a
     * job table's, when both are behind the model.
     */
    public long dayEntities() {
        return dayEntities.get();
    }

    public long busyAnswers() {
        return busyAnswers.get();
    }

    private static long nanos(int entities, double rate) {
        return (long) (entities * 1e9 / rate);
    }

    /** Entities per partition, in the order the page holds them; empty for anything but a query's answer. */
    private static Map<String, Integer> partitionsOf(byte[] body) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (body.length == 0 || body[0] != '{') {
            return counts;
        }
        try {
            JsonNode value = JSON.readTree(body).path("value");
            for (JsonNode entity : value) {
                counts.merge(entity.path("PartitionKey").asText(""), 1, Integer::sum);
            }
        } catch (IOException e) {
            // not JSON: not a query's answer
        }
        return counts;
    }
}
