package io.asynctablequery.query;

import java.time.LocalDate;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Days a scan need not read from the table: kept elsewhere (SPEC §11, per-day summaries) from an earlier scan
 * that read them whole. The scan asks once per job; {@link #NONE} keeps nothing, and the scan reads every day.
 * Nothing here may fail a scan: a day it cannot answer is read from the table.
 */
public interface SummarisedDays {

    SummarisedDays NONE = (range, fresh) -> new ForScan() {
    };

    /**
     * What one scan of {@code range} may take and leave.
     *
     * @param fresh answer no day from what is kept, but leave what the scan reads
     */
    ForScan open(DayRange range, boolean fresh);

    /** One scan's use. */
    interface ForScan {

        /**
         * Whether the scan is to keep this day's values apart, to {@link #read hand them over} once it has read
         * the day whole.
         */
        default boolean keeps(LocalDate day) {
            return false;
        }

        /**
         * Adds the values of the {@code wanted} days it can answer to {@code into}, and tells {@code answered} of
         * each day after its values were added. Returns early, answering fewer days, when {@code stop} says so.
         */
        default void recall(Set<Object> into, BooleanSupplier stop, Predicate<LocalDate> wanted,
                            Consumer<Day> answered) {
        }

        /** A day {@link #keeps} asked for, read whole, each page at the first try: its figures and values. */
        default void keep(Day day, Set<Object> values) {
        }

        /** The scan read so many more days from the table. */
        default void scanned(int days) {
        }

        /** The scan is over: what it left is written, or dropped, before this returns. */
        default void close() {
        }
    }

    /** A day's figures: the entities that matched the query, and those of them without the counted property. */
    record Day(LocalDate day, long entitiesScanned, long entitiesSkipped) {
    }
}
