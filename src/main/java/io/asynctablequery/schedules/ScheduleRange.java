package io.asynctablequery.schedules;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.asynctablequery.query.DayRange;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The days a schedule's run counts, one of three kinds: the {@code lastDays} days ending yesterday, the
 * {@code previousMonth}, or the fixed days {@code s} to {@code e} (ISO dates). Yesterday and the previous month are
 * those of the occurrence, in the schedule's time zone.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleRange(Integer lastDays, Boolean previousMonth, String s, String e) {

    public static ScheduleRange ofLastDays(int days) {
        return new ScheduleRange(days, null, null, null);
    }

    public static ScheduleRange ofPreviousMonth() {
        return new ScheduleRange(null, Boolean.TRUE, null, null);
    }

    public static ScheduleRange ofDays(DayRange days) {
        return new ScheduleRange(null, null, days.start().toString(), days.end().toString());
    }

    /** The days of the run made for this occurrence. */
    public DayRange days(Instant occurrence, ZoneId zone) {
        LocalDate today = occurrence.atZone(zone).toLocalDate();
        if (lastDays != null) {
            LocalDate yesterday = today.minusDays(1);
            return new DayRange(yesterday.minusDays(lastDays - 1L), yesterday);
        }
        if (Boolean.TRUE.equals(previousMonth)) {
            LocalDate first = today.withDayOfMonth(1).minusMonths(1);
            return new DayRange(first, first.plusMonths(1).minusDays(1));
        }
        return new DayRange(LocalDate.parse(s), LocalDate.parse(e));
    }
}
