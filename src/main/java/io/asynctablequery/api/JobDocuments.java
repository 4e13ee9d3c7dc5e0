package io.asynctablequery.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.asynctablequery.jobs.CallbackDelivery;
import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobError;
import io.asynctablequery.jobs.JobStatus;
import io.asynctablequery.query.Progress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The JSON documents of the API, built from a job. */
public final class JobDocuments {

    static final String NAME = "audit-query";
    private static final DateTimeFormatter UTC_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private JobDocuments() {
    }

    /**
     * The submit's 202 body: the original {@code statusUri} and Durable Functions' check-status links (those with
     * {@code {text}} are URI templates, as Durable's are).
     */
    public record SubmitLinks(String id, String statusUri, String statusQueryGetUri, String operationUri,
                              String terminatePostUri, String purgeHistoryDeleteUri, String suspendPostUri,
                              String resumePostUri, String rewindPostUri, String restartPostUri) {
    }

    /** One entry of {@code historyEvents} ({@code showHistory=true}); {@code instance} and {@code reason} where set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HistoryEvent(String eventType, String timestamp, String instance, String reason,
                               int partitionsDone) {
    }

    /**
     * The job's input; {@code fresh} only when it was submitted with {@code fresh=true}; a schedule's job names the
     * schedule and the occurrence it was made for (SPEC §17).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Input(String start, String end, Boolean fresh, String scheduleId, String occurrenceTime) {
    }

    /**
     * The scan's progress; {@code retrying} only while it waits to retry a page storage failed to serve; of the
     * days done, {@code partitionsFromSummaries} were answered from their summaries (SPEC §11),
     * {@code partitionsFromCheckpoint} from the job's own checkpoint (SPEC §15).
     */
    public record CustomStatus(int partitionsTotal, int partitionsDone, long entitiesScanned, long entitiesSkipped,
                               int percentComplete,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Progress.Retrying retrying,
                               int partitionsFromSummaries, int partitionsFromCheckpoint) {
    }

    /**
     * The status document, with the original field and its Durable Functions twin side by side; with a
     * webhook, where it goes (without its query string, which may hold the receiver's secret) and how its
     * delivery went.
     */
    public record Status(String id, String instanceId, String name, String status, String runtimeStatus,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Input input, CustomStatus customStatus,
                         Long result, Object output, JobError error, String createdTime, String lastUpdatedTime,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String callbackUrl,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Delivery callbackDelivery,
                         @JsonInclude(JsonInclude.Include.NON_NULL) List<HistoryEvent> historyEvents) {
    }

    /** The webhook's delivery: Pending (not yet delivered), Delivered or Failed (given up). */
    public record Delivery(String status, int attempts, @JsonInclude(JsonInclude.Include.NON_NULL) Integer lastStatusCode,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String lastAttemptTime) {
    }

    /** The Azure REST API guidelines' operation status. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Operation(String id, String status, int percentComplete, String createdDateTime,
                            String lastActionDateTime, JobError error, String resourceLocation) {
    }

    public record Result(String id, long result) {
    }

    public record Purged(int instancesDeleted) {
    }

    static SubmitLinks links(String base, String id) {
        String status = base + "/api/status/" + id;
        return new SubmitLinks(id, status, status, base + "/api/operations/" + id,
                status + "/terminate?reason={text}", status, status + "/suspend?reason={text}",
                status + "/resume?reason={text}", status + "/rewind?reason={text}", status + "/restart");
    }

    static Status status(Job job, boolean showInput) {
        return status(job, showInput, false);
    }

    static Status status(Job job, boolean showInput, boolean showHistory) {
        String status = job.status().name();
        Input input = showInput ? new Input(job.input().start().toString(), job.input().end().toString(),
                job.fresh() ? Boolean.TRUE : null, job.occurrence() == null ? null : job.occurrence().scheduleId(),
                job.occurrence() == null ? null : time(job.occurrence().time())) : null;
        Progress p = job.progress();
        CustomStatus custom = new CustomStatus(p.partitionsTotal(), p.partitionsDone(), p.entitiesScanned(),
                p.entitiesSkipped(), job.status() == JobStatus.Completed ? 100 : p.percentComplete(),
                job.status() == JobStatus.Running ? p.retrying() : null, p.partitionsFromSummaries(),
                p.partitionsFromCheckpoint());
        return new Status(job.id(), job.id(), NAME, status, status, input, custom, job.result(), job.output(),
                job.error(), time(job.createdTime()), time(job.lastUpdatedTime()), withoutQuery(job.callbackUrl()),
                delivery(job), showHistory ? history(job) : null);
    }

    private static List<HistoryEvent> history(Job job) {
        return job.history().stream().map(event -> new HistoryEvent(event.eventType().name(), time(event.timestamp()),
                event.instance(), event.reason(), event.partitionsDone())).toList();
    }

    private static Delivery delivery(Job job) {
        if (job.callbackUrl() == null || !job.status().isFinished()) {
            return null;
        }
        CallbackDelivery callback = job.callback();
        return callback == null ? new Delivery(CallbackDelivery.PENDING, 0, null, null)
                : new Delivery(callback.status(), callback.attempts(), callback.lastStatusCode(),
                time(callback.lastAttemptTime()));
    }

    static String withoutQuery(String url) {
        if (url == null) {
            return null;
        }
        int cut = url.length();
        for (char mark : new char[] {'?', '#'}) {
            int at = url.indexOf(mark);
            cut = at >= 0 ? Math.min(cut, at) : cut;
        }
        return url.substring(0, cut);
    }

    static Operation operation(Job job, String base) {
        JobStatus status = job.status();
        int percent = status == JobStatus.Completed ? 100 : job.progress().percentComplete();
        return new Operation(job.id(), status.operationStatus(), percent, time(job.createdTime()),
                time(job.lastUpdatedTime()), status == JobStatus.Failed ? job.error() : null,
                status == JobStatus.Completed ? base + "/api/results/" + job.id() : null);
    }

    static String time(Instant instant) {
        return instant == null ? null : UTC_MILLIS.format(instant);
    }
}
