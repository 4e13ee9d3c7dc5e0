package io.asynctablequery.query;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/** A range of whole days to scan, the first and the last day both included (a job's normalised input). */
public record DayRange(LocalDate start, LocalDate end) {

    /** Number of day partitions the range spans, the end day included. */
    public int days() {
        return (int) ChronoUnit.DAYS.between(start, end) + 1;
    }
}
