package io.asynctablequery.api;

import io.asynctablequery.jobs.InvalidContinuationTokenException;
import io.asynctablequery.jobs.JobPage;
import io.asynctablequery.auth.Authentication;
import io.asynctablequery.jobs.JobQuery;
import io.asynctablequery.jobs.JobStatus;
import io.asynctablequery.jobs.JobStatusSets;
import io.asynctablequery.jobs.JobStore;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code GET /api/status}: reads the filters (runtime status, creation time, id prefix), the page size {@code top}
 * and the continuation token, and asks the store for one page, newest first. {@code DELETE /api/status}: purges the
 * finished jobs the same filters find (an admin's only under {@code api-key}/{@code entra-id}; at least one filter).
 */
public class JobListing {

    public static final String CONTINUATION_HEADER = "x-ms-continuation-token";
    static final int DEFAULT_TOP = 100;
    static final int MAX_TOP = 1000;

    private final JobStore store;

    public JobListing(JobStore store) {
        this.store = store;
    }

    public JobPage list(Exchange exchange) {
        Message in = exchange.getIn();
        JobQuery query = new JobQuery(statuses(in.getHeader("runtimeStatus")),
                time(in.getHeader("createdTimeFrom"), "createdTimeFrom"),
                time(in.getHeader("createdTimeTo"), "createdTimeTo"),
                Authentication.caller(exchange).listedOwner(),
                idPrefix(in.getHeader("instanceIdPrefix")),
                top(in.getHeader("top")),
                token(in.getHeader(CONTINUATION_HEADER)));
        try {
            return store.list(query);
        } catch (InvalidContinuationTokenException e) {
            throw new ApiException(400, "Invalid " + CONTINUATION_HEADER + ": send back the value of a previous "
                    + "response unchanged.");
        }
    }

    /** Purge by filter: how many finished jobs it purged. Refuses (nothing purged) without a filter, or a non-admin. */
    public int purge(Exchange exchange) {
        if (!Authentication.caller(exchange).admin()) {
            throw new ApiException(403, "Only an admin may purge jobs by filter.");
        }
        Message in = exchange.getIn();
        if (Stream.of("runtimeStatus", "createdTimeFrom", "createdTimeTo", "instanceIdPrefix")
                .allMatch(name -> in.getHeader(name) == null || in.getHeader(name).toString().isBlank())) {
            throw new ApiException(400, "Give at least one filter: createdTimeFrom, createdTimeTo, runtimeStatus or "
                    + "instanceIdPrefix.");
        }
        return store.purgeAll(new JobQuery(statuses(in.getHeader("runtimeStatus")),
                time(in.getHeader("createdTimeFrom"), "createdTimeFrom"),
                time(in.getHeader("createdTimeTo"), "createdTimeTo"), null,
                idPrefix(in.getHeader("instanceIdPrefix")), MAX_TOP, null));
    }

    private static String idPrefix(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text) || !text.strip().matches("[0-9A-Fa-f-]{1,36}")) {
            throw new ApiException(400, "Invalid instanceIdPrefix: give the first characters of a job id (0-9, a-f "
                    + "and -).");
        }
        return text.strip().toLowerCase(Locale.ROOT);
    }

    private static Set<JobStatus> statuses(Object value) {
        if (value == null) {
            return JobStatusSets.ALL;
        }
        String text = value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : value.toString();
        Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
        for (String name : text.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            statuses.add(JobStatusSets.ALL.stream()
                    .filter(status -> status.name().equalsIgnoreCase(name.strip()))
                    .findFirst()
                    .orElseThrow(() -> new ApiException(400, "Invalid runtimeStatus: use a comma-separated list of "
                            + "Pending, Running, Suspended, Completed, Failed, Terminated.")));
        }
        return statuses.isEmpty() ? JobStatusSets.ALL : statuses;
    }

    private static Instant time(Object value, String name) {
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        String text = value instanceof String s ? s.strip() : "";
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            throw new ApiException(400, "Invalid " + name + ": use an ISO-8601 time such as 2021-01-31T00:00:00Z.");
        }
    }

    static int top(Object value) {
        if (value == null) {
            return DEFAULT_TOP;
        }
        String text = value instanceof String s ? s.strip() : "";
        if (!text.matches("\\d{1,4}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_TOP) {
            throw new ApiException(400, "Invalid top: give a whole number from 1 to " + MAX_TOP + ".");
        }
        return Integer.parseInt(text);
    }

    private static String token(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text) || text.length() > 4096) {
            throw new ApiException(400, "Invalid " + CONTINUATION_HEADER + ".");
        }
        return text;
    }
}
