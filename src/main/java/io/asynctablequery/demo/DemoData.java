package io.asynctablequery.demo;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo audit data for a first run against the local emulator: three months of day partitions with a few
 * thousand entities, some without the required property, some with it empty, some without the counted
 * property. Loaded only when {@code audit.demo-data=true} and the table is empty; it prints a curl line
 * and the answer it must give.
 */
public class DemoData {

    private static final Logger LOG = LoggerFactory.getLogger(DemoData.class);
    static final LocalDate FIRST_DAY = LocalDate.of(2024, 1, 1);
    static final LocalDate LAST_DAY = LocalDate.of(2024, 3, 31);
    private static final int ENTITIES_PER_DAY = 48;
    private static final int DISTINCT_IDS = 1500;

    private final TableServiceClient service;
    private final TableClient table;
    private final String distinctProperty;
    private final String requiredProperty;

    public DemoData(TableServiceClient service, String tableName, String distinctProperty, String requiredProperty) {
        this.service = service;
        this.table = service.getTableClient(tableName);
        this.distinctProperty = distinctProperty;
        this.requiredProperty = requiredProperty;
    }

    public void loadIfEmpty(String port) {
        service.createTableIfNotExists(table.getTableName());
        boolean empty = !table.listEntities(new ListEntitiesOptions().setTop(1), null, null).iterator().hasNext();
        if (!empty) {
            LOG.info("Table '{}' has data already: demo data not loaded", table.getTableName());
            return;
        }
        List<TableEntity> entities = entities();
        AuditEntities.insert(table, entities);
        LocalDate start = FIRST_DAY;
        LocalDate end = FIRST_DAY.plusMonths(1).minusDays(1);
        LOG.info("Loaded {} demo entities into table '{}' ({} to {}). Try:\n"
                        + "  curl -s 'http://localhost:{}/api/submit/query?s={}&e={}&wait=30'\n"
                        + "It answers \"result\": {} (the distinct {} values in January 2024).",
                entities.size(), table.getTableName(), FIRST_DAY, LAST_DAY, port, dayFirst(start), dayFirst(end),
                distinctCount(entities, start, end), distinctProperty);
    }

    List<TableEntity> entities() {
        Random random = new Random(20240101L);
        List<TableEntity> entities = new ArrayList<>();
        for (LocalDate day = FIRST_DAY; !day.isAfter(LAST_DAY); day = day.plusDays(1)) {
            for (int i = 0; i < ENTITIES_PER_DAY; i++) {
                TableEntity entity = new TableEntity(day.toString(), String.format("%05d", i));
                int kind = random.nextInt(100);
                if (kind >= 10) { // 10 % have no required property at all
                    entity.addProperty(requiredProperty, kind < 15 ? "" : "CERT-" + random.nextInt(100_000));
                }
                if (kind < 97 || kind >= 99) { // a few have no counted property
                    entity.addProperty(distinctProperty, "ID-" + random.nextInt(DISTINCT_IDS));
                }
                entities.add(entity);
            }
        }
        return entities;
    }

    /** The answer the original query gives: distinct counted values where the required one is non-empty. */
    long distinctCount(List<TableEntity> entities, LocalDate start, LocalDate end) {
        Set<Object> ids = new HashSet<>();
        for (TableEntity entity : entities) {
            LocalDate day = LocalDate.parse(entity.getPartitionKey());
            Object required = entity.getProperty(requiredProperty);
            Object id = entity.getProperty(distinctProperty);
            if (!day.isBefore(start) && !day.isAfter(end) && required != null && !"".equals(required) && id != null) {
                ids.add(id);
            }
        }
        return ids.size();
    }

    private static String dayFirst(LocalDate date) {
        return String.format("%02d/%02d/%d", date.getDayOfMonth(), date.getMonthValue(), date.getYear());
    }
}
