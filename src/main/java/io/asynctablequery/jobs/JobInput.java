package io.asynctablequery.jobs;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/** The normalised input of a job: the first and the last day (both included) of the range. */
public record JobInput(LocalDate start, LocalDate end) {

    /** Number of day partitions the range spans, the end day included. */
    public int days() {
        return (int) ChronoUnit.DAYS.between(start, end) + 1;
    }
}
