package io.asynctablequery.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading what an instance serves under /observe: one check of a health answer, one series of a scrape. */
public final class Observe {

    private Observe() {
    }

    /** The check of that name in a health answer ({"status":…,"checks":[{"name":…,"status":…},…]}). */
    public static JsonNode check(JsonNode health, String name) {
        for (JsonNode check : health.get("checks")) {
            if (name.equals(check.get("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    /** The value of one series of a Prometheus scrape: a name, or a name with its labels as written. */
    public static double metric(String scrape, String series) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*})? ([0-9.eE+-]+|NaN)$")
                .matcher(scrape);
        if (!line.find()) {
            throw new AssertionError(series + " is not in the scrape:\n" + scrape);
        }
        return Double.parseDouble(line.group(1));
    }
}
