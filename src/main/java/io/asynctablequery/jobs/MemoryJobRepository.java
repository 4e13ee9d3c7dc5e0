package io.asynctablequery.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;

/** The jobs of one process: Camel's {@link MemoryAggregationRepository} with optimistic locking. */
public class MemoryJobRepository extends MemoryAggregationRepository implements JobRepository {

    /** Where a listing's page stops: the creation time and id of its last job, newest first. */
    private record Cursor(Instant createdTime, String id) {
        static Cursor of(Job job) {
            return new Cursor(job.createdTime(), job.id());
        }
    }

    private static final Comparator<Cursor> NEWEST_FIRST =
            Comparator.comparing(Cursor::createdTime).thenComparing(Cursor::id).reversed();

    private final ConcurrentHashMap<String, String> jobIdByIdempotencyKey = new ConcurrentHashMap<>();
    private final AtomicInteger unfinished = new AtomicInteger();

    public MemoryJobRepository() {
        super(true);
    }

    @Override
    public Exchange add(CamelContext camelContext, String key, Exchange oldExchange, Exchange newExchange) {
        Exchange replaced = super.add(camelContext, key, oldExchange, newExchange);
        boolean wasUnfinished = oldExchange != null && !job(oldExchange).status().isFinished();
        boolean isUnfinished = !job(newExchange).status().isFinished();
        unfinished.addAndGet((isUnfinished ? 1 : 0) - (wasUnfinished ? 1 : 0));
        return replaced;
    }

    @Override
    public void remove(CamelContext camelContext, String key, Exchange exchange) {
        super.remove(camelContext, key, exchange);
        if (!job(exchange).status().isFinished()) {
            unfinished.decrementAndGet();
        }
    }

    @Override
    public Optional<String> bindIdempotencyKey(String key, String jobId) {
        return Optional.ofNullable(jobIdByIdempotencyKey.putIfAbsent(key, jobId));
    }

    @Override
    public void unbindIdempotencyKey(String key, String jobId) {
        jobIdByIdempotencyKey.remove(key, jobId);
    }

    @Override
    public int countUnfinished() {
        return unfinished.get();
    }

    @Override
    public int countUnfinished(String owner) {
        return (int) all().stream().filter(job -> !job.status().isFinished() && owner.equals(job.owner())).count();
    }

    @Override
    public List<Job> unfinished() {
        return all().stream().filter(job -> !job.status().isFinished()).toList();
    }

    @Override
    public JobPage list(JobQuery query) {
        Cursor after = cursor(query.continuationToken());
        List<Job> matching = new ArrayList<>();
        for (Job job : all()) {
            if (query.statuses().contains(job.status())
                    && (query.owner() == null || query.owner().equals(job.owner()))
                    && (query.idPrefix() == null || job.id().startsWith(query.idPrefix()))
                    && (query.scheduleId() == null || job.occurrence() != null
                            && query.scheduleId().equals(job.occurrence().scheduleId()))
                    && (query.createdFrom() == null || !job.createdTime().isBefore(query.createdFrom()))
                    && (query.createdTo() == null || !job.createdTime().isAfter(query.createdTo()))
                    && (after == null || NEWEST_FIRST.compare(Cursor.of(job), after) > 0)) {
                matching.add(job);
            }
        }
        matching.sort(Comparator.comparing(Cursor::of, NEWEST_FIRST));
        if (matching.size() <= query.top()) {
            return new JobPage(matching, null);
        }
        List<Job> page = List.copyOf(matching.subList(0, query.top()));
        return new JobPage(page, token(page.get(page.size() - 1)));
    }

    private List<Job> all() {
        List<Job> jobs = new ArrayList<>();
        for (String id : getKeys()) {
            Exchange stored = get(null, id);
            if (stored != null) {
                jobs.add(job(stored));
            }
        }
        return jobs;
    }

    private static Job job(Exchange exchange) {
        return exchange.getIn().getBody(Job.class);
    }

    /** The token is the sort key of the last job of the previous page, base64url-encoded. */
    private static String token(Job last) {
        String key = last.createdTime() + "|" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static Cursor cursor(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String key = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8);
            String[] parts = key.split("\\|", 2);
            return new Cursor(Instant.parse(parts[0]), parts[1]);
        } catch (RuntimeException e) {
            throw new InvalidContinuationTokenException();
        }
    }
}
