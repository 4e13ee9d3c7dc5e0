package io.asynctablequery.query;

import com.azure.data.tables.models.TableEntity;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One slice being read: the entities read, and, when some of its days are to be kept, each day's values
 * and counts, taken apart by the entities' PartitionKey (then selected too). A key that is not a plain day
 * (e.g. {@code 2021-02-10x}) lies between a day and the next in the table's order: it is counted as the
 * original filter counts it, and the day it follows is not kept, since that day's record could not answer
 * for the key (every other day of the slice is).
 */
final class SliceRead {
    final AuditFilter.Slice slice;
    final Map<String, DayTally> days = new HashMap<>();
    final boolean keeping;
    final String lastKey;
    private final SummarisedDays.ForScan summaries;
    private final SummarisedDays.ForScan checkpoint;
    long entities;
    boolean retried; // a page needed more than one try: its days are not kept

    SliceRead(AuditFilter.Slice slice, LocalDate end, SummarisedDays.ForScan summaries,
              SummarisedDays.ForScan checkpoint) {
        this.slice = slice;
        this.summaries = summaries;
        this.checkpoint = checkpoint;
        for (int i = 0; i < slice.days(); i++) {
            LocalDate day = slice.first().plusDays(i);
            if (summaries.keeps(day) || checkpoint.keeps(day)) {
                days.put(day.toString(), new DayTally());
            }
        }
        this.keeping = !days.isEmpty();
        this.lastKey = end.toString();
    }

    /** Whether the entity belongs to the query's range (a key past the end day is read only to know it). */
    boolean counts(TableEntity entity) {
        if (!keeping) {
            return true;
        }
        String key = entity.getPartitionKey();
        if (key == null) {
            days.values().forEach(day -> day.followedByOddKey = true);
            return true;
        }
        if (!days.containsKey(key) && !isDayOfSlice(key)) {
            DayTally before = days.get(dayBefore(key));
            if (before != null) {
                before.followedByOddKey = true;
            }
        }
        return key.compareTo(lastKey) <= 0;
    }

    void tally(TableEntity entity, Object value) {
        DayTally day = keeping ? days.get(entity.getPartitionKey()) : null;
        if (day != null) {
            day.scanned++;
            if (value == null) {
                day.skipped++;
            } else {
                day.values.add(value);
            }
        }
    }

    private boolean isDayOfSlice(String key) {
        for (int i = 0; i < slice.days(); i++) {
            if (slice.first().plusDays(i).toString().equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** The last day of the slice whose key sorts before {@code key} (the slice reads from its first day on). */
    private String dayBefore(String key) {
        String before = null;
        for (int i = 0; i < slice.days(); i++) {
            String day = slice.first().plusDays(i).toString();
            if (day.compareTo(key) < 0) {
                before = day;
            }
        }
        return before;
    }

    /** Tells the summaries and the checkpoint of the slice's days, once it was read whole. */
    void handOver() {
        summaries.scanned(slice.days());
        if (retried) {
            return;
        }
        days.forEach((key, tally) -> {
            if (tally.followedByOddKey) {
                return;
            }
            LocalDate day = LocalDate.parse(key);
            SummarisedDays.Day figures = new SummarisedDays.Day(day, tally.scanned, tally.skipped);
            if (summaries.keeps(day)) {
                summaries.keep(figures, tally.values);
            }
            if (checkpoint.keeps(day)) {
                checkpoint.keep(figures, tally.values);
            }
        });
    }

    /** One day of the slice: its entities, those without the value, its values, and whether an odd key follows it. */
    private static final class DayTally {
        final Set<Object> values = new HashSet<>();
        long scanned;
        long skipped;
        boolean followedByOddKey;
    }
}
