package io.asynctablequery.jobs;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionFailedException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import io.asynctablequery.storage.TableListings;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/**
 * The jobs of every instance, in an Azure table ({@code jobs.table-name}): a Camel optimistic-locking
 * aggregation repository whose lock is the table's ETag.
 *
 * <p>Layout, all in one partition so that a job's two rows change in one entity-group transaction:
 * <ul>
 *   <li>{@code RowKey = <job id>}: the job, read by id;</li>
 *   <li>{@code RowKey = ~created~<inverted creation millis>~<job id>}: the same columns, so that the table's
 *       own order is newest first and a listing is one filtered range query with the table's continuation
 *       token;</li>
 *   <li>partition {@code idempotency}, {@code RowKey = sha256(key)}: the job an Idempotency-Key names.</li>
 * </ul>
 * Azure's documented target for one partition is 2,000 entities a second, so a few hundred job changes a
 * second (two rows each): far more than jobs that take minutes need. Not measured here.
 */
public class TableJobRepository implements JobRepository {

    static final String PARTITION = "job";
    static final String IDEMPOTENCY_PARTITION = "idempotency";
    static final String INDEX_PREFIX = "~created~";
    /** The exchange property holding the ETag a job was read with: the optimistic lock's version. */
    static final String ETAG = "JobETag";
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final long COUNT_CACHE_NANOS = 1_000_000_000L;
    private static final Set<String> LOST_RACE = Set.of("UpdateConditionNotSatisfied", "EntityAlreadyExists",
            "ResourceNotFound", "EntityNotFound");
    private static final String TOKEN_PARTITION = Base64.getEncoder()
            .encodeToString(PARTITION.getBytes(StandardCharsets.UTF_8)) + ";";

    private final TableClient table;
    private final Duration callTimeout;
    private volatile long countedAt = System.nanoTime() - 2 * COUNT_CACHE_NANOS;
    private final AtomicInteger countCache = new AtomicInteger();

    /**
     * @param callTimeout the deadline of every call ({@code api.storage-timeout}): past it the call throws, with a
     *                    {@link java.util.concurrent.TimeoutException} as its cause
     */
    public TableJobRepository(TableServiceClient service, String tableName, Duration callTimeout) {
        this.table = service.getTableClient(tableName);
        this.callTimeout = callTimeout;
    }

    @Override
    public Exchange get(CamelContext camelContext, String key) {
        if (key == null || !JOB_ID.matcher(key).matches()) {
            return null;
        }
        TableEntity entity;
        try {
            entity = table.getEntityWithResponse(PARTITION, key, null, callTimeout, Context.NONE).getValue();
        } catch (HttpResponseException e) {
            if (status(e) == 404) {
                return null;
            }
            throw e;
        }
        Exchange exchange = new DefaultExchange(camelContext);
        exchange.getIn().setBody(JobEntities.toJob(entity));
        exchange.setProperty(ETAG, entity.getETag());
        return exchange;
    }

    @Override
    public Exchange add(CamelContext camelContext, String key, Exchange oldExchange, Exchange newExchange) {
        Job job = newExchange.getIn().getBody(Job.class);
        TableEntity main = JobEntities.toEntity(PARTITION, key, job);
        TableEntity index = JobEntities.toIndexEntity(PARTITION, indexKey(job), job);
        List<TableTransactionAction> actions = new ArrayList<>();
        if (oldExchange == null) {
            actions.add(new TableTransactionAction(TableTransactionActionType.CREATE, main));
            actions.add(new TableTransactionAction(TableTransactionActionType.CREATE, index));
        } else {
            main.addProperty("odata.etag", oldExchange.getProperty(ETAG, String.class));
            actions.add(new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE, main, true));
            actions.add(new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE, index));
        }
        submit(actions);
        boolean wasUnfinished = oldExchange != null && !oldExchange.getIn().getBody(Job.class).status().isFinished();
        countCache.addAndGet((job.status().isFinished() ? 0 : 1) - (wasUnfinished ? 1 : 0)); // own change
        return oldExchange;
    }

    @Override
    public Exchange add(CamelContext camelContext, String key, Exchange exchange) {
        Job job = exchange.getIn().getBody(Job.class);
        submit(List.of(
                new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE,
                        JobEntities.toEntity(PARTITION, key, job)),
                new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE,
                        JobEntities.toIndexEntity(PARTITION, indexKey(job), job))));
        return null;
    }

    @Override
    public void remove(CamelContext camelContext, String key, Exchange exchange) {
        Job job = exchange.getIn().getBody(Job.class);
        TableEntity main = new TableEntity(PARTITION, key);
        String etag = exchange.getProperty(ETAG, String.class);
        if (etag != null) {
            main.addProperty("odata.etag", etag);
        }
        submit(List.of(new TableTransactionAction(TableTransactionActionType.DELETE, main, etag != null),
                new TableTransactionAction(TableTransactionActionType.DELETE, new TableEntity(PARTITION,
                        indexKey(job)))));
    }

    @Override
    public void confirm(CamelContext camelContext, String exchangeId) {
        // Nothing to confirm: a job stays until it is purged.
    }

    @Override
    public Set<String> getKeys() {
        ListEntitiesOptions options = new ListEntitiesOptions()
                .setFilter("PartitionKey eq '" + PARTITION + "' and RowKey lt '~'")
                .setSelect(List.of("RowKey"));
        return bounded(() -> table.listEntities(options, null, null).stream().map(TableEntity::getRowKey)
                .collect(Collectors.toCollection(LinkedHashSet::new)));
    }

    @Override
    public Optional<String> bindIdempotencyKey(String key, String jobId) {
        TableEntity binding = new TableEntity(IDEMPOTENCY_PARTITION, hash(key)).addProperty("JobId", jobId);
        try {
            table.createEntityWithResponse(binding, callTimeout, Context.NONE);
            return Optional.empty();
        } catch (HttpResponseException e) {
            if (status(e) != 409) {
                throw e;
            }
        }
        try {
            String named = String.valueOf(table.getEntityWithResponse(IDEMPOTENCY_PARTITION, hash(key), null,
                    callTimeout, Context.NONE).getValue().getProperty("JobId"));
            return named.equals(jobId) ? Optional.empty() : Optional.of(named);
        } catch (HttpResponseException e) {
            if (status(e) == 404) { // unbound meanwhile: try again
                return bindIdempotencyKey(key, jobId);
            }
            throw e;
        }
    }

    @Override
    public void unbindIdempotencyKey(String key, String jobId) {
        try {
            TableEntity binding = table.getEntityWithResponse(IDEMPOTENCY_PARTITION, hash(key), null, callTimeout,
                    Context.NONE).getValue();
            if (jobId.equals(binding.getProperty("JobId"))) {
                table.deleteEntityWithResponse(binding, true, callTimeout, Context.NONE);
            }
        } catch (HttpResponseException e) {
            if (status(e) != 404 && status(e) != 412) {
                throw e;
            }
        }
    }

    /**
     * Counted with a server-side filter and cached for a second (the bound it serves is approximate across
     * instances); this instance's own changes are applied to the cached count at once.
     */
    @Override
    public int countUnfinished() {
        long now = System.nanoTime();
        if (now - countedAt > COUNT_CACHE_NANOS) {
            ListEntitiesOptions options = new ListEntitiesOptions().setFilter(indexFilter(JobStatusSets.UNFINISHED,
                    null, null, null)).setSelect(List.of("RowKey"));
            countCache.set(bounded(() -> (int) table.listEntities(options, null, null).stream().count()));
            countedAt = now;
        }
        return countCache.get();
    }

    /** Counted server-side, each time: only submits of callers with a limit ask. */
    @Override
    public int countUnfinished(String owner) {
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(indexFilter(JobStatusSets.UNFINISHED,
                null, null, owner)).setSelect(List.of("RowKey"));
        return bounded(() -> (int) table.listEntities(options, null, null).stream().count());
    }

    @Override
    public List<Job> unfinished() {
        ListEntitiesOptions options = new ListEntitiesOptions()
                .setFilter(indexFilter(JobStatusSets.UNFINISHED, null, null, null));
        return bounded(() -> table.listEntities(options, null, null).stream().map(JobEntities::toJob).toList());
    }

    @Override
    public JobPage list(JobQuery query) {
        ListEntitiesOptions options = new ListEntitiesOptions()
                .setFilter(indexFilter(query.statuses(), query.createdFrom(), query.createdTo(), query.owner())
                        + idPrefixFilter(query.idPrefix()) + scheduleFilter(query.scheduleId()))
                .setTop(query.top());
        String tableToken = decode(query.continuationToken());
        PagedResponse<TableEntity> page;
        try {
            page = bounded(() -> table.listEntities(options, null, null).iterableByPage(tableToken).iterator().next());
        } catch (HttpResponseException | IllegalArgumentException e) {
            if (tableToken != null) {
                throw new InvalidContinuationTokenException();
            }
            throw e;
        }
        List<Job> jobs = page.getValue().stream().map(JobEntities::toJob).toList();
        return new JobPage(jobs, encode(page.getContinuationToken()));
    }

    /** Index rows (newest first) with the given statuses, created within the range, of one owner; server-side. */
    private static String indexFilter(Set<JobStatus> statuses, java.time.Instant from, java.time.Instant to,
                                      String owner) {
        StringBuilder filter = new StringBuilder("PartitionKey eq '" + PARTITION + "' and RowKey ge '"
                + INDEX_PREFIX + "' and RowKey lt '" + INDEX_PREFIX + "~'");
        if (!statuses.containsAll(JobStatusSets.ALL)) {
            filter.append(statuses.stream().map(status -> JobEntities.STATUS + " eq '" + status.name() + "'")
                    .collect(Collectors.joining(" or ", " and (", ")")));
        }
        if (from != null) {
            filter.append(" and ").append(JobEntities.CREATED_TIME).append(" ge ").append(JobEntities.literal(from));
        }
        if (to != null) {
            filter.append(" and ").append(JobEntities.CREATED_TIME).append(" le ").append(JobEntities.literal(to));
        }
        if (owner != null) {
            filter.append(" and ").append(JobEntities.OWNER).append(" eq ").append(JobEntities.literal(owner));
        }
        return filter.toString();
    }

    /**
     * Ids that start with the prefix, as a range of the {@code JobId} column (the table has no "starts with"): from
     * the prefix to the prefix with its last character one higher. Empty without a prefix.
     */
    static String idPrefixFilter(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        char last = prefix.charAt(prefix.length() - 1);
        String upper = prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
        return " and JobId ge " + JobEntities.literal(prefix) + " and JobId lt " + JobEntities.literal(upper);
    }

    /** A schedule's jobs: its id in their {@code ScheduleId} column. Empty for any job. */
    private static String scheduleFilter(String scheduleId) {
        return scheduleId == null ? "" : " and " + JobEntities.SCHEDULE_ID + " eq " + JobEntities.literal(scheduleId);
    }

    static String indexKey(Job job) {
        long inverted = 9_999_999_999_999L - job.createdTime().toEpochMilli();
        return INDEX_PREFIX + String.format("%013d", inverted) + "~" + job.id();
    }

    private void submit(List<TableTransactionAction> actions) {
        try {
            table.submitTransactionWithResponse(actions, callTimeout, Context.NONE);
        } catch (TableTransactionFailedException e) {
            // A failed transaction carries no HTTP response, only the failed action's error code.
            String code = e.getValue() == null || e.getValue().getErrorCode() == null ? ""
                    : e.getValue().getErrorCode().toString();
            if (LOST_RACE.contains(code)) { // created, changed or removed meanwhile
                throw new OptimisticLockingException();
            }
            throw e;
        }
    }

    /** A listing within the call deadline. */
    private <T> T bounded(Supplier<T> listing) {
        return TableListings.within(callTimeout, "The job table", listing);
    }

    /** The table's continuation token travels base64url-encoded; anything else is refused. */
    private static String encode(String tableToken) {
        return tableToken == null ? null : Base64.getUrlEncoder().withoutPadding()
                .encodeToString(tableToken.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String tableToken = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8);
            // The table's token is base64(next PartitionKey);base64(next RowKey): it must point into the index.
            String rowKey = tableToken.startsWith(TOKEN_PARTITION)
                    ? new String(Base64.getDecoder().decode(tableToken.substring(TOKEN_PARTITION.length())),
                    StandardCharsets.UTF_8) : "";
            if (!rowKey.startsWith(INDEX_PREFIX)) {
                throw new InvalidContinuationTokenException();
            }
            return tableToken;
        } catch (IllegalArgumentException e) {
            throw new InvalidContinuationTokenException();
        }
    }

    private static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int status(HttpResponseException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }
}
