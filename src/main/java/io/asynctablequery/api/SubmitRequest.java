package io.asynctablequery.api;

import io.asynctablequery.jobs.JobInput;

/** A valid submit: the normalised input and the client's idempotency key, if it sent one. */
public record SubmitRequest(JobInput input, String idempotencyKey) {
}
