package io.asynctablequery.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobError;
import io.asynctablequery.jobs.JobStatus;
import io.asynctablequery.jobs.Progress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The JSON documents of the API, built from a job. */
public final class JobDocuments {

    static final String NAME = "audit-query";
    private static final DateTimeFormatter UTC_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private JobDocuments() {
    }

    /** The submit's 202 body: the original {@code statusUri} and Durable Functions' check-status links. */
    public record SubmitLinks(String id, String statusUri, String statusQueryGetUri, String operationUri,
                              String terminatePostUri, String purgeHistoryDeleteUri) {
    }

    public record Input(String start, String end) {
    }

    /** The scan's progress; {@code retrying} only while it waits to retry a page storage failed to serve. */
    public record CustomStatus(int partitionsTotal, int partitionsDone, long entitiesScanned, long entitiesSkipped,
                               int percentComplete,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Progress.Retrying retrying) {
    }

    /** The status document, with the original field and its Durable Functions twin side by side. */
    public record Status(String id, String instanceId, String name, String status, String runtimeStatus,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Input input, CustomStatus customStatus,
                         Long result, Object output, JobError error, String createdTime, String lastUpdatedTime) {
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
                status + "/terminate?reason={text}", status);
    }

    static Status status(Job job, boolean showInput) {
        String status = job.status().name();
        Input input = showInput ? new Input(job.input().start().toString(), job.input().end().toString()) : null;
        Progress p = job.progress();
        CustomStatus custom = new CustomStatus(p.partitionsTotal(), p.partitionsDone(), p.entitiesScanned(),
                p.entitiesSkipped(), job.status() == JobStatus.Completed ? 100 : p.percentComplete(),
                job.status() == JobStatus.Running ? p.retrying() : null);
        return new Status(job.id(), job.id(), NAME, status, status, input, custom, job.result(), job.output(),
                job.error(), time(job.createdTime()), time(job.lastUpdatedTime()));
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
