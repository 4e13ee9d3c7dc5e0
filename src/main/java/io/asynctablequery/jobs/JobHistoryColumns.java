package io.asynctablequery.jobs;

import com.azure.data.tables.models.TableEntity;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.asynctablequery.json.Json;
import java.util.List;

/**
 * A job's history in its table entity: JSON text, split over the columns {@code History}, {@code History1},
 * {@code History2}... because one text column holds at most 32,768 characters (100 events with long reasons need
 * a few). A history that does not parse reads as empty: it is a record for people, never a reason to lose the job.
 */
final class JobHistoryColumns {

    static final String COLUMN = "History";
    private static final int CHARS_PER_COLUMN = 30_000;
    private static final int MAX_COLUMNS = 8;
    private static final TypeReference<List<JobEvent>> EVENTS = new TypeReference<>() {
    };

    private JobHistoryColumns() {
    }

    static void write(TableEntity entity, List<JobEvent> history) {
        if (history.isEmpty()) {
            return;
        }
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(history);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        for (int column = 0; column * CHARS_PER_COLUMN < json.length() && column < MAX_COLUMNS; column++) {
            entity.addProperty(name(column), json.substring(column * CHARS_PER_COLUMN,
                    Math.min(json.length(), (column + 1) * CHARS_PER_COLUMN)));
        }
    }

    static List<JobEvent> read(TableEntity entity) {
        StringBuilder json = new StringBuilder();
        for (int column = 0; column < MAX_COLUMNS && entity.getProperty(name(column)) != null; column++) {
            json.append(entity.getProperty(name(column)));
        }
        if (json.length() == 0) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(json.toString(), EVENTS);
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    private static String name(int column) {
        return column == 0 ? COLUMN : COLUMN + column;
    }
}
