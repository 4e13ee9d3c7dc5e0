package io.asynctablequery;

/**
 * The exchange properties the routes carry, all of them, by name: what the YAML routes and the beans share on an
 * exchange besides its body and headers. Beans called from routes take values and return values; the route puts
 * what it keeps into one of these ({@code setProperty}).
 */
public final class ExchangeProperties {

    // On the API routes (routes/errors, submit, status, results, operations, manage)
    /** The authenticated caller ({@code auth.Caller}), set before any API route's own steps. */
    public static final String CALLER = "caller";
    /** The job a request is about ({@code jobs.Job}): found by id, or just submitted. */
    public static final String JOB = "job";
    /** A submit's outcome ({@code jobs.JobStore.Submission}): the job, and whether this call created it. */
    public static final String SUBMISSION = "submission";
    /** The seconds a request asks to be held ({@code ?wait=N} or {@code Prefer: wait=N}), read before a submit. */
    public static final String WAIT_SECONDS = "waitSeconds";
    /** The {@code Preference-Applied} header's value, when a {@code Prefer: wait} was honoured. */
    public static final String PREFERENCE_APPLIED = "preferenceApplied";

    // On the job queue and the worker (routes/dispatch-queue, worker)
    /** The ticket a queue message carries ({@code jobs.JobTicket}). */
    public static final String TICKET = "ticket";
    /** The queue message's lease while its job runs ({@code jobs.QueueLeases}). */
    public static final String QUEUE_LEASE = "queueLease";
    /** What the scan of a claimed job came to ({@code jobs.ScanOutcome}). */
    public static final String SCAN = "scan";

    // On the webhook routes (routes/webhooks)
    /** The delivery a webhook message carries ({@code webhooks.WebhookDelivery}) and its message's coordinates. */
    public static final String WEBHOOK_DELIVERY = "webhookDelivery";
    public static final String WEBHOOK_MESSAGE_ID = "webhookMessageId";
    public static final String WEBHOOK_POP_RECEIPT = "webhookPopReceipt";
    public static final String WEBHOOK_ATTEMPT = "webhookAttempt";

    private ExchangeProperties() {
    }
}
