package io.asynctablequery;

/**
 * The exchange properties the routes carry, all of them, by name: what the YAML routes and the beans share on an
 * exchange besides its body and headers. Beans called from routes take values and return values; the route puts
 * what it keeps into one of these ({@code setProperty}). On the request path a bean step that returns a value
 * replaces the request's message and a {@code setProperty} with a bean call copies the whole exchange: there the few
 * beans that set a property themselves say so here.
 */
public final class ExchangeProperties {

    // On the API routes (routes/errors, submit, status, results, operations, manage)
    /** The authenticated caller ({@code auth.Caller}): {@code auth.Authentication} sets it before a route's steps. */
    public static final String CALLER = "caller";
    /** The job a request is about ({@code jobs.Job}): {@code JobApi.load} sets it, or the submit route. */
    public static final String JOB = "job";
    /**
     * A job a control request (resume, rewind, restart) made Pending, to be queued again
     * ({@code api.JobControls.Requeue}): the route {@code requeue-job} keeps it to undo the change when the queue does
     * not take the job.
     */
    public static final String REQUEUE = "requeue";
    /** The seconds a request asks to be held ({@code ?wait=N}, {@code Prefer: wait=N}): {@code LongPoll} sets it. */
    public static final String WAIT_SECONDS = "waitSeconds";
    /** The {@code Preference-Applied} header's value, when a {@code Prefer: wait} was honoured: the same sets it. */
    public static final String PREFERENCE_APPLIED = "preferenceApplied";

    // On the job queue and the worker (routes/dispatch-queue, worker)
    /** The ticket a queue message carries ({@code jobs.JobTicket}). */
    public static final String TICKET = "ticket";
    /** The queue message's lease while its job runs: {@code jobs.QueueLeases} sets it ({@code hold}). */
    public static final String QUEUE_LEASE = "queueLease";
    /** What the scan of a claimed job came to ({@code jobs.ScanOutcome}). */
    public static final String SCAN = "scan";

    // On the webhook routes (routes/webhooks)
    /**
     * The delivery a webhook message carries ({@code webhooks.WebhookDelivery}) and its message's coordinates:
     * {@code webhooks.WebhookDeliveries} sets them ({@code fromMessage}), the route sets the delivery with seda.
     */
    public static final String WEBHOOK_DELIVERY = "webhookDelivery";
    public static final String WEBHOOK_MESSAGE_ID = "webhookMessageId";
    public static final String WEBHOOK_POP_RECEIPT = "webhookPopReceipt";
    public static final String WEBHOOK_ATTEMPT = "webhookAttempt";
    /** The span of the delivery attempt in progress (SPEC §16); WebhookDeliveries starts and ends it. */
    public static final String WEBHOOK_SPAN = "webhookSpan";

    private ExchangeProperties() {
    }
}
