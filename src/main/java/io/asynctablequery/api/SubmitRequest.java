package io.asynctablequery.api;

import io.asynctablequery.query.DayRange;

/**
 * A valid submit: the normalised input, the client's idempotency key and the URL its webhook goes to, if it
 * sent them, whether every day is to be read from the table ({@code fresh=true}), none from its summary, and
 * the base of the job's links as this request reached the API.
 */
public record SubmitRequest(DayRange input, String idempotencyKey, String callbackUrl, boolean fresh,
                            String linkBase) {
}
