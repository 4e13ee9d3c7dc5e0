package io.asynctablequery.api;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the dates of a submit, day first as the original API did: {@code 31/12/2021}, {@code 31-12-2021},
 * {@code 31.12.2021} (day and month may have one digit). A four-digit year first ({@code 2021-12-31},
 * also with / or .) is read year first. Impossible dates such as 31/02/2021 are refused.
 */
public final class DayFirstDates {

    private static final int MAX_LENGTH = 32;
    private static final Pattern DAY_FIRST = Pattern.compile("(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4})");
    private static final Pattern YEAR_FIRST = Pattern.compile("(\\d{4})([/.-])(\\d{1,2})\\2(\\d{1,2})");

    private DayFirstDates() {
    }

    public static Optional<LocalDate> parse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String trimmed = text.strip();
        Matcher dayFirst = DAY_FIRST.matcher(trimmed);
        if (dayFirst.matches()) {
            return date(dayFirst.group(4), dayFirst.group(3), dayFirst.group(1));
        }
        Matcher yearFirst = YEAR_FIRST.matcher(trimmed);
        if (yearFirst.matches()) {
            return date(yearFirst.group(1), yearFirst.group(3), yearFirst.group(4));
        }
        return Optional.empty();
    }

    private static Optional<LocalDate> date(String year, String month, String day) {
        try {
            return Optional.of(LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
