package io.asynctablequery.jobs;

import io.asynctablequery.query.Progress;
import io.asynctablequery.query.DayRange;
import com.azure.data.tables.models.TableEntity;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A job as table entity properties: plain, readable and queryable columns (no Java serialisation), so an
 * operator can read the jobs table in Storage Explorer and the service can filter on Status and
 * CreatedTime.
 */
final class JobEntities {

    static final String STATUS = "Status";
    static final String CREATED_TIME = "CreatedTime";
    static final String OWNER = "Owner";
    static final String SCHEDULE_ID = "ScheduleId";

    private JobEntities() {
    }

    /** The job's row, read by id: every column, its history too. */
    static TableEntity toEntity(String partitionKey, String rowKey, Job job) {
        TableEntity entity = toIndexEntity(partitionKey, rowKey, job);
        JobHistoryColumns.write(entity, job.history());
        return entity;
    }

    /** The job's row in the listing index: the same columns but its history, which listings do not show. */
    static TableEntity toIndexEntity(String partitionKey, String rowKey, Job job) {
        TableEntity entity = new TableEntity(partitionKey, rowKey)
                .addProperty("JobId", job.id())
                .addProperty(STATUS, job.status().name())
                .addProperty("Start", job.input().start().toString())
                .addProperty("End", job.input().end().toString())
                .addProperty("PartitionsTotal", job.progress().partitionsTotal())
                .addProperty("PartitionsDone", job.progress().partitionsDone())
                .addProperty("EntitiesScanned", job.progress().entitiesScanned())
                .addProperty("EntitiesSkipped", job.progress().entitiesSkipped())
                .addProperty(CREATED_TIME, time(job.createdTime()))
                .addProperty("LastUpdatedTime", time(job.lastUpdatedTime()));
        putIfSet(entity, "StartedTime", time(job.startedTime()));
        putIfSet(entity, "PartitionsFromSummaries", job.progress().partitionsFromSummaries() == 0 ? null
                : job.progress().partitionsFromSummaries());
        putIfSet(entity, "PartitionsFromCheckpoint", job.progress().partitionsFromCheckpoint() == 0 ? null
                : job.progress().partitionsFromCheckpoint());
        putIfSet(entity, "RanBeforeMs", job.state().ranBefore().isZero() ? null : job.state().ranBefore().toMillis());
        putIfSet(entity, "Fresh", job.fresh() ? Boolean.TRUE : null);
        Progress.Retrying retrying = job.progress().retrying();
        putIfSet(entity, "RetryAttempts", retrying == null ? null : retrying.attempts());
        putIfSet(entity, "RetryErrorCode", retrying == null ? null : retrying.lastErrorCode());
        putIfSet(entity, "Result", job.result());
        putIfSet(entity, "ErrorCode", job.error() == null ? null : job.error().code());
        putIfSet(entity, "ErrorMessage", job.error() == null ? null : job.error().message());
        putIfSet(entity, "Reason", job.reason());
        putIfSet(entity, "IdempotencyKey", job.idempotencyKey());
        putIfSet(entity, OWNER, job.owner());
        putIfSet(entity, "CallbackUrl", job.callbackUrl());
        putIfSet(entity, "LinkBase", job.linkBase());
        putIfSet(entity, "TraceParent", job.trace() == null ? null : job.trace().traceparent());
        putIfSet(entity, "TraceState", job.trace() == null ? null : job.trace().tracestate());
        Occurrence occurrence = job.occurrence();
        if (occurrence != null) {
            entity.addProperty(SCHEDULE_ID, occurrence.scheduleId())
                    .addProperty("OccurrenceTime", time(occurrence.time()));
        }
        CallbackDelivery callback = job.callback();
        if (callback != null) {
            entity.addProperty("CallbackStatus", callback.status()).addProperty("CallbackAttempts", callback.attempts());
            putIfSet(entity, "CallbackStatusCode", callback.lastStatusCode());
            putIfSet(entity, "CallbackTime", time(callback.lastAttemptTime()));
        }
        return entity;
    }

    static Job toJob(TableEntity entity) {
        JobRequest request = new JobRequest(
                new DayRange(LocalDate.parse(text(entity, "Start")), LocalDate.parse(text(entity, "End"))),
                Boolean.TRUE.equals(entity.getProperty("Fresh")), text(entity, OWNER), text(entity, "IdempotencyKey"),
                text(entity, "CallbackUrl"), text(entity, "LinkBase"), text(entity, SCHEDULE_ID) == null ? null
                        : new Occurrence(text(entity, SCHEDULE_ID), instant(entity, "OccurrenceTime")),
                text(entity, "TraceParent") == null ? null
                        : new JobTrace(text(entity, "TraceParent"), text(entity, "TraceState")));
        Number retryAttempts = number(entity, "RetryAttempts");
        Progress progress = new Progress(number(entity, "PartitionsTotal").intValue(),
                number(entity, "PartitionsDone").intValue(), number(entity, "EntitiesScanned").longValue(),
                number(entity, "EntitiesSkipped").longValue(), retryAttempts == null ? null
                        : new Progress.Retrying(retryAttempts.intValue(), text(entity, "RetryErrorCode")),
                count(entity, "PartitionsFromSummaries"), count(entity, "PartitionsFromCheckpoint"));
        Number ranBefore = number(entity, "RanBeforeMs");
        JobState state = new JobState(JobStatus.valueOf(text(entity, STATUS)), progress, outcome(entity),
                instant(entity, CREATED_TIME), instant(entity, "StartedTime"), instant(entity, "LastUpdatedTime"),
                ranBefore == null ? Duration.ZERO : Duration.ofMillis(ranBefore.longValue()));
        CallbackDelivery callback = text(entity, "CallbackStatus") == null ? null
                : new CallbackDelivery(text(entity, "CallbackStatus"), number(entity, "CallbackAttempts").intValue(),
                        number(entity, "CallbackStatusCode") == null ? null
                                : number(entity, "CallbackStatusCode").intValue(),
                        instant(entity, "CallbackTime"));
        return new Job(text(entity, "JobId"), request, state, callback, JobHistoryColumns.read(entity));
    }

    /** The count, the failure or the reason, as the columns a finished job has. */
    private static JobOutcome outcome(TableEntity entity) {
        if (number(entity, "Result") != null) {
            return new JobOutcome.Count(number(entity, "Result").longValue());
        }
        if (text(entity, "ErrorCode") != null) {
            return new JobOutcome.Failure(new JobError(text(entity, "ErrorCode"), text(entity, "ErrorMessage")));
        }
        return text(entity, "Reason") == null ? null : new JobOutcome.Termination(text(entity, "Reason"));
    }

    /** The OData literal of a text, for filters: quotes doubled, so a value never leaves its string. */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** The OData literal of a time, for filters. */
    static String literal(Instant instant) {
        return "datetime'" + instant + "'";
    }

    private static void putIfSet(TableEntity entity, String name, Object value) {
        if (value != null) {
            entity.addProperty(name, value);
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static String text(TableEntity entity, String name) {
        Object value = entity.getProperty(name);
        return value == null ? null : value.toString();
    }

    private static int count(TableEntity entity, String name) {
        Number value = number(entity, name);
        return value == null ? 0 : value.intValue();
    }

    private static Number number(TableEntity entity, String name) {
        Object value = entity.getProperty(name);
        return value instanceof Number n ? n : value == null ? null : Long.valueOf(value.toString());
    }

    private static Instant instant(TableEntity entity, String name) {
        Object value = entity.getProperty(name);
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        return value == null ? null : OffsetDateTime.parse(value.toString()).toInstant();
    }
}
