package io.asynctablequery.api;

import io.asynctablequery.query.DayRange;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * The {@code s} and {@code e} of a request (a submit, or the summaries of a range) as a range of days, checked
 * with the original API's messages word for word (SPEC §1), and at most {@code audit.max-range-days} long.
 */
public class DateRanges {

    private final int maxRangeDays;

    public DateRanges(int maxRangeDays) {
        this.maxRangeDays = maxRangeDays;
    }

    /**
     * @param s the start as sent: a text, or anything else (a repeated parameter, a JSON number) refused
     * @param e the end, likewise
     */
    public DayRange parse(Object s, Object e) {
        LocalDate start = date(s, "start");
        LocalDate end = date(e, "end");
        long days = ChronoUnit.DAYS.between(start, end);
        if (days < 1) {
            throw new ApiException(400, "Invalid date range.");
        }
        if (days > maxRangeDays) {
            throw new ApiException(400, "Invalid date range: the end may be at most " + maxRangeDays
                    + " days after the start.");
        }
        return new DayRange(start, end);
    }

    private static LocalDate date(Object value, String which) {
        if (value == null || (value instanceof String text && text.isBlank())) {
            throw new ApiException(400, "Empty " + which + " date.");
        }
        if (!(value instanceof String text)) { // a repeated parameter, or a JSON value that is not a string
            throw new ApiException(400, "Invalid " + which + " date format.");
        }
        return DayFirstDates.parse(text)
                .orElseThrow(() -> new ApiException(400, "Invalid " + which + " date format."));
    }
}
