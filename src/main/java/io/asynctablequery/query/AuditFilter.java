package io.asynctablequery.query;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Builds the OData filters of the audit query. The original filter is
 * {@code PartitionKey ge '<start>' and PartitionKey le '<end>' and <required> ne ''}; it is split into
 * one slice per day so the days can be scanned in parallel. The slices cover exactly the original string
 * range: {@code [day, next day)} for every day but the last, and {@code = end} for the last one, so a
 * PartitionKey equal to the end day is included and nothing past it.
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

    /** One filter per day of the range, in order; together they select what {@link #whole} selects. */
    public List<String> slices(LocalDate start, LocalDate end) {
        List<String> filters = new ArrayList<>();
        for (LocalDate day = start; day.isBefore(end); day = day.plusDays(1)) {
            filters.add("PartitionKey ge " + quote(day.toString()) + " and PartitionKey lt "
                    + quote(day.plusDays(1).toString()) + requiredClause());
        }
        filters.add("PartitionKey eq " + quote(end.toString()) + requiredClause());
        return filters;
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
