package io.asynctablequery.query;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Builds the OData filters of the audit query. The original filter is
 * {@code PartitionKey ge '<start>' and PartitionKey le '<end>' and <required> ne ''}; it is split into
 * slices of whole consecutive day partitions so they can be scanned in parallel. The slices cover exactly
 * the original string range: {@code [first day, day after the last)} for every slice but the last, and
 * {@code [first day, end]} for the last one, so a PartitionKey equal to the end day is included and
 * nothing past it.
 *
 * <p>Only normalised dates and configured property names (checked at start-up) reach a filter: never
 * user text.
 */
public final class AuditFilter {

    private static final Pattern PROPERTY_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");

    private final String requiredProperty;

    public AuditFilter(String requiredProperty) {
        this.requiredProperty = checkPropertyName(requiredProperty, "audit.required-property");
    }

    /** The filter of the original single query, kept for reference scans and tests. */
    public String whole(LocalDate start, LocalDate end) {
        return "PartitionKey ge " + quote(start.toString()) + " and PartitionKey le " + quote(end.toString())
                + requiredClause();
    }

    /** One slice of the range: its filter, how many day partitions it spans, and the first of them. */
    public record Slice(String filter, int days, LocalDate first) {
    }

    /**
     * The range in slices of at most {@code daysPerSlice} days, in order; together they select what
     * {@link #whole} selects.
     */
    public List<Slice> slices(LocalDate start, LocalDate end, int daysPerSlice) {
        return slices(start, end, daysPerSlice, false);
    }

    /**
     * As above; with {@code throughLastDay} the last slice reads up to the day after {@code end}, not to the key
     * {@code end} itself, so a key such as {@code '<end>x'} is read too: for a part of a range that another day
     * follows, or to know that the end day holds nothing but its own key (a scan that keeps day summaries
     * leaves such keys out of its count).
     */
    public List<Slice> slices(LocalDate start, LocalDate end, int daysPerSlice, boolean throughLastDay) {
        List<Slice> slices = new ArrayList<>();
        for (LocalDate first = start; !first.isAfter(end); first = first.plusDays(daysPerSlice)) {
            LocalDate next = first.plusDays(daysPerSlice);
            if (next.isAfter(end)) {
                String upper = throughLastDay ? " and PartitionKey lt " + quote(end.plusDays(1).toString())
                        : " and PartitionKey le " + quote(end.toString());
                slices.add(new Slice("PartitionKey ge " + quote(first.toString()) + upper + requiredClause(),
                        (int) ChronoUnit.DAYS.between(first, end) + 1, first));
            } else {
                slices.add(new Slice("PartitionKey ge " + quote(first.toString()) + " and PartitionKey lt "
                        + quote(next.toString()) + requiredClause(), daysPerSlice, first));
            }
        }
        return slices;
    }

    /** What a day's entities are selected by, apart from the day itself: the required property's clause. */
    public String dayCondition() {
        return requiredProperty + " ne ''";
    }

    private String requiredClause() {
        return " and " + requiredProperty + " ne ''";
    }

    static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Property names go into filters and selects verbatim, so only plain identifiers are accepted. */
    public static String checkPropertyName(String name, String setting) {
        if (name == null || !PROPERTY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(setting + " must be a plain property name (letters, digits, _), not '"
                    + name + "'");
        }
        return name;
    }
}
