package io.asynctablequery.api;

import io.asynctablequery.query.DayRange;

/**
 * A valid submit: the normalised input, the client's idempotency key and the URL its webhook goes to, if it
 * sent them, and whether every day is to be read from the table ({@code fresh=true}), none from its summary.
 */
public record SubmitRequest(DayRange input, String idempotencyKey, String callbackUrl, boolean fresh) {
}
