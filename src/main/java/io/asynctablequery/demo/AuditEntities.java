package io.asynctablequery.demo;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes audit entities fast: transactions of up to 100 entities of one partition (the service's limit). */
public final class AuditEntities {

    private static final int TRANSACTION_LIMIT = 100;

    private AuditEntities() {
    }

    public static void insert(TableClient table, Collection<TableEntity> entities) {
        Map<String, List<TableTransactionAction>> byPartition = new LinkedHashMap<>();
        for (TableEntity entity : entities) {
            List<TableTransactionAction> batch = byPartition.computeIfAbsent(entity.getPartitionKey(),
                    key -> new ArrayList<>());
            batch.add(new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE, entity));
            if (batch.size() == TRANSACTION_LIMIT) {
                table.submitTransaction(batch);
                byPartition.remove(entity.getPartitionKey());
            }
        }
        byPartition.values().forEach(table::submitTransaction);
    }
}
