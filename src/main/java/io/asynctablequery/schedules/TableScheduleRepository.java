package io.asynctablequery.schedules;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.asynctablequery.json.Json;
import io.asynctablequery.storage.TableListings;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The schedules of every instance, in the job table's partition {@code schedule} ({@code RowKey} = schedule id):
 * readable columns ({@code Name}, {@code Owner}, {@code Paused}, the times) and the definition as JSON. The row's
 * ETag is the optimistic lock. Every call has the storage deadline ({@code api.storage-timeout}).
 */
public class TableScheduleRepository implements ScheduleRepository {

    static final String PARTITION = "schedule";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final TableClient table;
    private final Duration callTimeout;

    public TableScheduleRepository(TableServiceClient service, String tableName, Duration callTimeout) {
        this.table = service.getTableClient(tableName);
        this.callTimeout = callTimeout;
    }

    @Override
    public List<Stored> all() {
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter("PartitionKey eq '" + PARTITION + "'");
        return TableListings.within(callTimeout, "The job table", () -> table.listEntities(options, null, null)
                .stream().map(TableScheduleRepository::stored).toList());
    }

    @Override
    public Optional<Stored> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(stored(table.getEntityWithResponse(PARTITION, id, null, callTimeout, Context.NONE)
                    .getValue()));
        } catch (HttpResponseException e) {
            if (status(e) == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void create(Schedule schedule) {
        table.createEntityWithResponse(entity(schedule), callTimeout, Context.NONE);
    }

    @Override
    public boolean replace(Stored before, Schedule after) {
        TableEntity entity = entity(after);
        entity.addProperty("odata.etag", before.version());
        try {
            table.updateEntityWithResponse(entity, TableEntityUpdateMode.REPLACE, true, callTimeout, Context.NONE);
            return true;
        } catch (HttpResponseException e) {
            if (status(e) == 412 || status(e) == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public boolean delete(String id) {
        if (find(id).isEmpty()) {
            return false;
        }
        try {
            table.deleteEntityWithResponse(new TableEntity(PARTITION, id), false, callTimeout, Context.NONE);
            return true;
        } catch (HttpResponseException e) {
            if (status(e) == 404) {
                return false;
            }
            throw e;
        }
    }

    private static TableEntity entity(Schedule schedule) {
        TableEntity entity = new TableEntity(PARTITION, schedule.id())
                .addProperty("Name", schedule.definition().name())
                .addProperty("Definition", json(schedule.definition()))
                .addProperty("Paused", schedule.paused())
                .addProperty("CreatedTime", time(schedule.createdTime()))
                .addProperty("LastUpdatedTime", time(schedule.lastUpdatedTime()))
                .addProperty("LastOccurrence", time(schedule.lastOccurrence()));
        if (schedule.owner() != null) {
            entity.addProperty("Owner", schedule.owner());
        }
        if (schedule.linkBase() != null) {
            entity.addProperty("LinkBase", schedule.linkBase());
        }
        if (schedule.buffered() != null) {
            entity.addProperty("Buffered", time(schedule.buffered()));
        }
        return entity;
    }

    private static Stored stored(TableEntity entity) {
        ScheduleDefinition definition;
        try {
            definition = Json.MAPPER.readValue(text(entity, "Definition"), ScheduleDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Schedule " + entity.getRowKey() + " has a definition that does not read", e);
        }
        Schedule schedule = new Schedule(entity.getRowKey(), text(entity, "Owner"), definition,
                text(entity, "LinkBase"), Boolean.TRUE.equals(entity.getProperty("Paused")),
                instant(entity, "CreatedTime"), instant(entity, "LastUpdatedTime"), instant(entity, "LastOccurrence"),
                instant(entity, "Buffered"));
        return new Stored(schedule, entity.getETag());
    }

    private static String json(ScheduleDefinition definition) {
        try {
            return Json.MAPPER.writeValueAsString(definition);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String text(TableEntity entity, String name) {
        Object value = entity.getProperty(name);
        return value == null ? null : value.toString();
    }

    private static Instant instant(TableEntity entity, String name) {
        Object value = entity.getProperty(name);
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        return value == null ? null : OffsetDateTime.parse(value.toString()).toInstant();
    }

    private static int status(HttpResponseException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }
}
