package io.asynctablequery.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.query.DayRange;
import io.asynctablequery.schedules.Overlap;
import io.asynctablequery.schedules.ScheduleDefinition;
import io.asynctablequery.schedules.ScheduleRange;
import io.asynctablequery.schedules.ScheduleTiming;
import io.asynctablequery.webhooks.CallbackPolicy;
import io.asynctablequery.webhooks.RefusedCallbackException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Reads and checks a schedule's JSON body (SPEC §17) for a create or a replace: every field that is wrong is a
 * {@code 400} problem whose detail starts with the field's name, and nothing is kept. The range may be given as
 * {@code "range": {...}} or its fields at the top level.
 */
public class ScheduleRequests {

    /** A checked body: the definition, and whether the schedule is paused. */
    public record ScheduleRequest(ScheduleDefinition definition, boolean paused) {
    }

    static final int MAX_NAME = 200;
    private static final Set<String> FIELDS = Set.of("name", "cron", "timeZone", "every", "range", "overlap",
            "catchupWindow", "callbackUrl", "fresh", "paused", "lastDays", "previousMonth", "s", "e");
    /** The document's own fields, ignored in a body (a client may send back what it read). */
    private static final Set<String> READ_ONLY = Set.of("id", "nextRunTimes", "recentJobs", "createdTime",
            "lastUpdatedTime");

    private final DateRanges ranges;
    private final CallbackPolicy callbacks;
    private final Duration minInterval;

    public ScheduleRequests(DateRanges ranges, CallbackPolicy callbacks, Duration minInterval) {
        this.ranges = ranges;
        this.callbacks = callbacks;
        this.minInterval = minInterval;
    }

    public ScheduleRequest parse(Exchange exchange) {
        JsonNode body = body(exchange.getIn());
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name) && !READ_ONLY.contains(name)) {
                throw invalid(name.length() > 50 ? "A field" : name, "not a field of a schedule.");
            }
        }
        String name = text(body, "name", MAX_NAME);
        if (name == null || name.isBlank() || name.chars().anyMatch(Character::isISOControl)) {
            throw invalid("name", "give the schedule a name of 1 to " + MAX_NAME + " characters.");
        }
        String timeZone = text(body, "timeZone", 100);
        ZoneId zone = zone(timeZone == null ? "UTC" : timeZone);
        String cron = text(body, "cron", 200);
        String every = text(body, "every", 100);
        if (cron == null && every == null) {
            throw invalid("cron", "give either cron (five fields) or every (an ISO-8601 duration such as PT1H).");
        }
        if (cron != null && every != null) {
            throw invalid("every", "give either cron or every, not both.");
        }
        if (cron != null) {
            try {
                ScheduleTiming.cron(cron.strip(), zone);
            } catch (IllegalArgumentException e) {
                throw invalid("cron", "give five fields (minute, hour, day of month, month, day of week), such as "
                        + "\"0 6 * * *\".");
            }
        }
        Duration interval = every == null ? null : duration(every, "every");
        if (interval != null && interval.compareTo(minInterval) < 0) {
            throw invalid("every", "give at least " + minInterval + " (schedules.min-interval).");
        }
        ScheduleRange range = range(body.has("range") ? body.get("range") : body, !body.has("range"), zone);
        String overlapText = text(body, "overlap", 20);
        Overlap overlap = overlapText == null ? Overlap.SKIP : Overlap.of(overlapText)
                .orElseThrow(() -> invalid("overlap", "give skip, bufferOne or allowAll."));
        String catchup = text(body, "catchupWindow", 100);
        Duration catchupWindow = catchup == null ? ScheduleDefinition.DEFAULT_CATCHUP_WINDOW
                : duration(catchup, "catchupWindow");
        if (catchupWindow.compareTo(ScheduleDefinition.MIN_CATCHUP_WINDOW) < 0) {
            throw invalid("catchupWindow", "give at least " + ScheduleDefinition.MIN_CATCHUP_WINDOW
                    + " (an occurrence looked at a moment late must still run).");
        }
        ScheduleDefinition definition = new ScheduleDefinition(name.strip(), cron == null ? null : cron.strip(),
                zone.getId(), interval == null ? null : interval.toString(), range, overlap, catchupWindow.toString(),
                callbackUrl(text(body, "callbackUrl", 2048)), flag(body, "fresh"));
        return new ScheduleRequest(definition, flag(body, "paused"));
    }

    private ScheduleRange range(JsonNode node, boolean topLevel, ZoneId zone) {
        if (!node.isObject()) {
            throw invalid("range", "give an object: {\"lastDays\": N}, {\"previousMonth\": true} or {\"s\": \"..\", "
                    + "\"e\": \"..\"}.");
        }
        boolean lastDays = node.has("lastDays");
        boolean previousMonth = node.has("previousMonth");
        boolean fixed = node.has("s") || node.has("e");
        int kinds = (lastDays ? 1 : 0) + (previousMonth ? 1 : 0) + (fixed ? 1 : 0);
        if (kinds != 1 || !topLevel && node.size() != 1 && !fixed) {
            throw invalid("range", "give one of {\"lastDays\": N} (days ending yesterday), {\"previousMonth\": true} "
                    + "or the fixed days {\"s\": \"..\", \"e\": \"..\"}.");
        }
        try {
            if (lastDays) {
                JsonNode days = node.get("lastDays");
                if (!days.canConvertToInt() || !days.isIntegralNumber() || days.intValue() < 1) {
                    throw invalid("range", "lastDays must be a whole number of days.");
                }
                ScheduleRange range = ScheduleRange.ofLastDays(days.intValue());
                check(range.days(Instant.now(), zone));
                return range;
            }
            if (previousMonth) {
                if (!node.get("previousMonth").isBoolean() || !node.get("previousMonth").booleanValue()) {
                    throw invalid("range", "previousMonth must be true.");
                }
                return ScheduleRange.ofPreviousMonth();
            }
            return ScheduleRange.ofDays(ranges.parse(value(node.get("s")), value(node.get("e"))));
        } catch (ApiException e) {
            throw e.getMessage().startsWith("range:") ? e : invalid("range", e.getMessage());
        }
    }

    /** The rules of a submit's range (SPEC §1), on the days a run would count today. */
    private void check(DayRange days) {
        ranges.parse(days.start().toString(), days.end().toString());
    }

    private static Object value(JsonNode node) {
        return node == null || node.isNull() ? null : node.isTextual() ? node.textValue() : node.toString();
    }

    private String callbackUrl(String url) {
        if (url == null) {
            return null;
        }
        try {
            return callbacks.check(url.strip()).toString();
        } catch (RefusedCallbackException e) {
            throw invalid("callbackUrl", e.getMessage());
        }
    }

    private static ZoneId zone(String id) {
        if (!ZoneId.getAvailableZoneIds().contains(id) || !id.contains("/") && !"UTC".equals(id)) {
            throw invalid("timeZone", "give an IANA time zone such as Europe/Berlin (default UTC).");
        }
        return ZoneId.of(id);
    }

    private static Duration duration(String text, String field) {
        try {
            Duration duration = Duration.parse(text.strip());
            if (!duration.isNegative() && !(duration.isZero() && "every".equals(field))) {
                return duration;
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw invalid(field, "give an ISO-8601 duration such as PT1H or P1D.");
    }

    private static String text(JsonNode body, String field, int max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.textValue().length() > max) {
            throw invalid(field, "give a text of at most " + max + " characters.");
        }
        return node.textValue();
    }

    private static boolean flag(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw invalid(field, "give true or false.");
        }
        return node.booleanValue();
    }

    private static JsonNode body(Message in) {
        byte[] bytes = in.getBody(byte[].class);
        if (bytes == null || bytes.length == 0) {
            throw new ApiException(400, "Send the schedule as a JSON body, such as {\"name\": \"daily\", \"cron\": "
                    + "\"0 6 * * *\", \"range\": {\"lastDays\": 90}}.");
        }
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, "", String.class).toLowerCase();
        if (!contentType.startsWith("application/json") && !contentType.contains("+json")) {
            throw new ApiException(415, "Send the schedule as JSON (Content-Type: application/json).");
        }
        try {
            JsonNode json = HttpResponses.JSON.readTree(bytes);
            if (json != null && json.isObject()) {
                return json;
            }
        } catch (IOException e) {
            // answered below
        }
        throw new ApiException(400, "The request body must be a JSON object.");
    }

    private static ApiException invalid(String field, String why) {
        return new ApiException(400, field + ": " + why);
    }
}
