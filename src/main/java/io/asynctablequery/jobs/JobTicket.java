package io.asynctablequery.jobs;

/** What the submit route hands to the job queue: the job id and its normalised input (ISO dates). */
public record JobTicket(String id, String start, String end) {

    public static JobTicket of(Job job) {
        return new JobTicket(job.id(), job.input().start().toString(), job.input().end().toString());
    }
}
