package io.asynctablequery.api;

import io.asynctablequery.ExchangeProperties;
import io.asynctablequery.auth.Authentication;
import io.asynctablequery.auth.Caller;
import io.asynctablequery.jobs.JobQuery;
import io.asynctablequery.jobs.JobStatusSets;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.schedules.Schedule;
import io.asynctablequery.schedules.Scheduler;
import io.asynctablequery.schedules.Schedules;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.camel.Exchange;

/**
 * What the HTTP API does with schedules (SPEC §17): create, list, read, replace, delete, pause, unpause, trigger.
 * Under {@code api-key}/{@code entra-id} a schedule is its creator's: another caller's is not found, as an unknown
 * one; an admin sees and changes all.
 */
public class ScheduleApi {

    private static final Comparator<Schedule> NEWEST_FIRST =
            Comparator.comparing(Schedule::createdTime).thenComparing(Schedule::id).reversed();

    private final Schedules schedules;
    private final Scheduler scheduler;
    private final ScheduleRequests requests;
    private final JobStore jobs;
    private final JobApi jobApi;
    private final Links links;

    public ScheduleApi(Schedules schedules, Scheduler scheduler, ScheduleRequests requests, JobStore jobs,
                       JobApi jobApi, Links links) {
        this.schedules = schedules;
        this.scheduler = scheduler;
        this.requests = requests;
        this.jobs = jobs;
        this.jobApi = jobApi;
        this.links = links;
    }

    /** {@code POST /api/schedules}: 201, its document and its absolute {@code Location}. */
    public void create(Exchange exchange) {
        ScheduleRequests.ScheduleRequest request = requests.parse(exchange);
        Schedule schedule = schedules.create(Authentication.caller(exchange).owner(), request.definition(),
                links.base(exchange), request.paused());
        String location = links.base(exchange) + "/api/schedules/" + schedule.id();
        HttpResponses.write(exchange, 201, Map.of("Location", location), document(schedule));
    }

    /** {@code GET /api/schedules}: the caller's schedules (an admin's: all), newest first, paged as jobs are. */
    public void list(Exchange exchange) {
        Caller caller = Authentication.caller(exchange);
        int top = JobListing.top(exchange.getIn().getHeader("top"));
        String token = exchange.getIn().getHeader(JobListing.CONTINUATION_HEADER, String.class);
        String after = after(token);
        List<Schedule> visible = schedules.all().stream().filter(schedule -> caller.mayAccess(schedule.owner()))
                .sorted(NEWEST_FIRST).filter(schedule -> after == null || cursor(schedule).compareTo(after) < 0)
                .toList();
        List<Schedule> page = visible.subList(0, Math.min(top, visible.size()));
        Map<String, String> headers = new LinkedHashMap<>();
        if (visible.size() > top) {
            headers.put(JobListing.CONTINUATION_HEADER, Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(cursor(page.get(page.size() - 1)).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponses.write(exchange, 200, headers, page.stream().map(this::document).toList());
    }

    public void get(Exchange exchange) {
        HttpResponses.write(exchange, 200, Map.of(), document(find(exchange)));
    }

    /** {@code PUT}: the definition replaced (occurrences count from now on); 200 with the document. */
    public void replace(Exchange exchange) {
        Schedule found = find(exchange);
        ScheduleRequests.ScheduleRequest request = requests.parse(exchange);
        change(exchange, found, schedule -> schedule.replaced(request.definition(), request.paused(),
                schedules.now()));
    }

    /** {@code DELETE}: 204; its jobs that run go on. */
    public void delete(Exchange exchange) {
        Schedule found = find(exchange);
        if (!schedules.delete(found.id())) {
            throw ApiException.notFound();
        }
        HttpResponses.write(exchange, 204, Map.of(), null);
    }

    public void pause(Exchange exchange) {
        change(exchange, find(exchange), schedule -> schedule.withPaused(true, schedules.now()));
    }

    public void unpause(Exchange exchange) {
        change(exchange, find(exchange), schedule -> schedule.withPaused(false, schedules.now()));
    }

    /**
     * {@code POST /trigger}: one run now (also while paused), its job kept as the property {@code job} and the run as
     * the body; 409 when the overlap rule skips it, 503 when the system is full or the instance stops.
     */
    public Scheduler.Run trigger(Exchange exchange) {
        Schedule schedule = find(exchange);
        jobApi.accepting();
        Scheduler.Triggered triggered = scheduler.trigger(schedule);
        if (triggered.outcome() == Scheduler.Outcome.SKIPPED) {
            throw new ApiException(409, "A run of this schedule has not finished; its overlap rule ("
                    + schedule.definition().overlap().text() + ") skips the trigger.");
        }
        if (triggered.outcome() == Scheduler.Outcome.REFUSED) {
            throw jobApi.full();
        }
        exchange.setProperty(ExchangeProperties.JOB, triggered.run().job());
        return triggered.run();
    }

    /** A triggered run whose job could not be queued: the job removed, 503. */
    public void notQueued(Scheduler.Run run, Exception cause) {
        scheduler.notQueued(run, cause);
        jobApi.abandon(run.job());
    }

    private void change(Exchange exchange, Schedule found, UnaryOperator<Schedule> change) {
        Schedule changed = schedules.update(found.id(), change).orElseThrow(ApiException::notFound).after();
        HttpResponses.write(exchange, 200, Map.of(), document(changed));
    }

    /** The schedule the path names, if this caller may see it: 404 otherwise. */
    private Schedule find(Exchange exchange) {
        Caller caller = Authentication.caller(exchange);
        return schedules.find(exchange.getIn().getHeader("id", String.class))
                .filter(schedule -> caller.mayAccess(schedule.owner())).orElseThrow(ApiException::notFound);
    }

    private ScheduleDocuments.Document document(Schedule schedule) {
        return ScheduleDocuments.of(schedule, jobs.list(JobQuery.ofSchedule(schedule.id(), JobStatusSets.ALL,
                ScheduleDocuments.RECENT_JOBS)).jobs(), schedules.now());
    }

    /** Where a page ends: creation time and id, which sort as the listing does. */
    private static String cursor(Schedule schedule) {
        return String.format("%013d", schedule.createdTime().toEpochMilli()) + "|" + schedule.id();
    }

    private static String after(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String cursor = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8);
            if (cursor.matches("\\d{13}\\|[0-9a-f-]{36}")) {
                return cursor;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new ApiException(400, "Invalid " + JobListing.CONTINUATION_HEADER + ": send back the value of a "
                + "previous response unchanged.");
    }
}
