package io.asynctablequery.api;

import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobStatus;
import io.asynctablequery.jobs.JobStore;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code GET /api/status}: jobs newest first, filtered by runtime status and creation time, in pages of
 * {@code top}. The continuation token names the last job of a page, so a page never repeats or skips a
 * job that existed when the listing began, even while new jobs arrive.
 */
public class JobListing {

    public static final String CONTINUATION_HEADER = "x-ms-continuation-token";
    static final int DEFAULT_TOP = 100;
    static final int MAX_TOP = 1000;
    private static final Comparator<Job> NEWEST_FIRST =
            Comparator.comparing(Job::createdTime).thenComparing(Job::id).reversed();

    /** One page of jobs, and the token for the next page (null on the last). */
    public record Page(List<Job> jobs, String continuationToken) {
    }

    private final JobStore store;

    public JobListing(JobStore store) {
        this.store = store;
    }

    public Page list(Exchange exchange) {
        Message in = exchange.getIn();
        Set<JobStatus> statuses = statuses(in.getHeader("runtimeStatus"));
        Instant from = time(in.getHeader("createdTimeFrom"), "createdTimeFrom");
        Instant to = time(in.getHeader("createdTimeTo"), "createdTimeTo");
        int top = top(in.getHeader("top"));
        Job after = cursor(in.getHeader(CONTINUATION_HEADER));

        List<Job> matching = new ArrayList<>();
        for (Job job : store.all()) {
            if (statuses.contains(job.status())
                    && (from == null || !job.createdTime().isBefore(from))
                    && (to == null || !job.createdTime().isAfter(to))
                    && (after == null || NEWEST_FIRST.compare(job, after) > 0)) {
                matching.add(job);
            }
        }
        matching.sort(NEWEST_FIRST);
        if (matching.size() <= top) {
            return new Page(matching, null);
        }
        List<Job> page = matching.subList(0, top);
        return new Page(page, token(page.get(top - 1)));
    }

    private static Set<JobStatus> statuses(Object value) {
        if (value == null) {
            return EnumSet.allOf(JobStatus.class);
        }
        String text = value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : value.toString();
        Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
        for (String name : text.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            statuses.add(EnumSet.allOf(JobStatus.class).stream()
                    .filter(status -> status.name().equalsIgnoreCase(name.strip()))
                    .findFirst()
                    .orElseThrow(() -> new ApiException(400, "Invalid runtimeStatus: use a comma-separated list of "
                            + "Pending, Running, Completed, Failed, Terminated.")));
        }
        return statuses.isEmpty() ? EnumSet.allOf(JobStatus.class) : statuses;
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

    private static int top(Object value) {
        if (value == null) {
            return DEFAULT_TOP;
        }
        String text = value instanceof String s ? s.strip() : "";
        if (!text.matches("\\d{1,4}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_TOP) {
            throw new ApiException(400, "Invalid top: give a whole number from 1 to " + MAX_TOP + ".");
        }
        return Integer.parseInt(text);
    }

    /** The token is the sort key of the last job of the previous page, base64url-encoded. */
    private static String token(Job last) {
        String key = last.createdTime() + "|" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static Job cursor(Object value) {
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        try {
            String key = new String(Base64.getUrlDecoder().decode(value.toString().strip()), StandardCharsets.UTF_8);
            String[] parts = key.split("\\|", 2);
            Instant created = Instant.parse(parts[0]);
            return new Job(parts[1], null, null, null, null, null, null, null, created,
                    null, null);
        } catch (RuntimeException e) {
            throw new ApiException(400, "Invalid " + CONTINUATION_HEADER + ": send back the value of a previous "
                    + "response unchanged.");
        }
    }
}
