package io.asynctablequery.summaries;

import java.time.LocalDate;
import java.util.List;

/**
 * A day partition as one complete scan found it: the entities that matched the query, those of them without the
 * counted property, and the distinct values of the property.
 */
public record DaySummary(LocalDate day, long entitiesScanned, long entitiesSkipped, List<Object> values) {
}
