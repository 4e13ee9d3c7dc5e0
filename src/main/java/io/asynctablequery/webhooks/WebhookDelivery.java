package io.asynctablequery.webhooks;

import io.asynctablequery.jobs.JobTrace;
import java.time.Instant;

/**
 * One webhook to deliver: the signed-over body (a CloudEvent, structured JSON) for a job's outcome, where it
 * goes, and when the job finished (retries stop {@code api.webhook-retry-for} after). Kept whole in the
 * delivery queue's message, so a delivery survives a restart and the job's purge, with the same event id; with it
 * the job's trace (SPEC §16; null without one), so that each attempt's span is in the job's trace.
 */
public record WebhookDelivery(String jobId, String url, String eventId, String event, Instant finishedAt,
                              JobTrace trace) {
}
