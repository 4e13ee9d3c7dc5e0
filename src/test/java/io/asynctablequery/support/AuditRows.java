package io.asynctablequery.support;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.models.TableEntity;
import io.asynctablequery.demo.AuditEntities;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Audit entities a test seeds, and the answer the original query gives for them, computed here from the
 * rows with the original semantics: PartitionKey compared as a string, the end included; the required
 * property present and non-empty; rows without the counted property skipped.
 */
public final class AuditRows {

    public static final String REQUIRED = "CertNumber";
    public static final String COUNTED = "identificationNumber";

    private final List<TableEntity> rows = new ArrayList<>();

    /** A row; {@code cert} or {@code id} null leaves that property out. */
    public AuditRows add(String partitionKey, String cert, Object id) {
        TableEntity entity = new TableEntity(partitionKey, String.format("r%06d", rows.size()));
        if (cert != null) {
            entity.addProperty(REQUIRED, cert);
        }
        if (id != null) {
            entity.addProperty(COUNTED, id);
        }
        rows.add(entity);
        return this;
    }

    public List<TableEntity> rows() {
        return rows;
    }

    public void insertInto(TableServiceClient service, String table) {
        service.createTableIfNotExists(table);
        AuditEntities.insert(service.getTableClient(table), rows);
    }

    /** The original query's answer for ISO dates {@code start} and {@code end}. */
    public long expectedCount(String start, String end) {
        Set<Object> ids = new HashSet<>();
        for (TableEntity row : rows) {
            String key = row.getPartitionKey();
            Object cert = row.getProperty(REQUIRED);
            Object id = row.getProperty(COUNTED);
            if (key.compareTo(start) >= 0 && key.compareTo(end) <= 0 && cert != null && !"".equals(cert)
                    && id != null) {
                ids.add(id);
            }
        }
        return ids.size();
    }

    /** How many matching rows lack the counted property (the progress figures' "skipped"). */
    public long expectedSkipped(String start, String end) {
        return rows.stream().filter(row -> row.getPartitionKey().compareTo(start) >= 0
                && row.getPartitionKey().compareTo(end) <= 0
                && row.getProperty(REQUIRED) != null && !"".equals(row.getProperty(REQUIRED))
                && row.getProperty(COUNTED) == null).count();
    }

    public Set<String> partitions() {
        Set<String> keys = new HashSet<>();
        rows.forEach(row -> keys.add(row.getPartitionKey()));
        return keys;
    }
}
