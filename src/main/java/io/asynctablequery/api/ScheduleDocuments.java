package io.asynctablequery.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.asynctablequery.jobs.Job;
import io.asynctablequery.schedules.Schedule;
import io.asynctablequery.schedules.ScheduleDefinition;
import io.asynctablequery.schedules.ScheduleRange;
import java.time.Instant;
import java.util.List;

/** The schedule document (SPEC §17): its fields as given, {@code paused}, the next run times and the recent jobs. */
final class ScheduleDocuments {

    static final int NEXT_RUN_TIMES = 5;
    static final int RECENT_JOBS = 10;

    private ScheduleDocuments() {
    }

    /** One of the schedule's latest jobs; {@code occurrenceTime} is what it was made for (a trigger's time). */
    record RecentJob(String id, String status, String occurrenceTime) {
    }

    /** The callback URL without its query string, which may hold the receiver's secret. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Document(String id, String name, String cron, String every, String timeZone, ScheduleRange range,
                    String overlap, String catchupWindow, String callbackUrl, boolean fresh, boolean paused,
                    List<String> nextRunTimes, List<RecentJob> recentJobs, String createdTime,
                    String lastUpdatedTime) {
    }

    /** @param recentJobs the schedule's newest jobs, newest first */
    static Document of(Schedule schedule, List<Job> recentJobs, Instant now) {
        ScheduleDefinition definition = schedule.definition();
        Instant from = now.isAfter(schedule.lastOccurrence()) ? now : schedule.lastOccurrence();
        List<String> next = schedule.timing().next(from, NEXT_RUN_TIMES).stream().map(JobDocuments::time).toList();
        List<RecentJob> recent = recentJobs.stream().map(job -> new RecentJob(job.id(), job.status().name(),
                job.occurrence() == null ? null : JobDocuments.time(job.occurrence().time()))).toList();
        return new Document(schedule.id(), definition.name(), definition.cron(), definition.every(),
                definition.timeZone(), definition.range(), definition.overlap().text(), definition.catchupWindow(),
                JobDocuments.withoutQuery(definition.callbackUrl()), definition.fresh(), schedule.paused(), next,
                recent, JobDocuments.time(schedule.createdTime()), JobDocuments.time(schedule.lastUpdatedTime()));
    }
}
