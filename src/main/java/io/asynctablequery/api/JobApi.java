package io.asynctablequery.api;

import io.asynctablequery.ExchangeProperties;
import io.asynctablequery.auth.Authentication;
import io.asynctablequery.auth.Caller;
import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobRequest;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.jobs.JobTrace;
import io.asynctablequery.jobs.Shutdown;
import io.asynctablequery.jobs.JobStore.Submission;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/** What the HTTP API does with jobs, and the HTTP errors it answers when it cannot. */
public class JobApi {

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_REASON_LENGTH = 1000;
    private static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("job.id");

    private final JobStore store;
    private final Shutdown shutdown;
    private final int retryAfterSeconds;
    private final int maxPendingPerCaller;

    /** @param maxPendingPerCaller unfinished jobs a submitter may have ({@code jobs.max-pending-per-caller}; 0: no limit) */
    public JobApi(JobStore store, Shutdown shutdown, int retryAfterSeconds, int maxPendingPerCaller) {
        this.store = store;
        this.shutdown = shutdown;
        this.retryAfterSeconds = retryAfterSeconds;
        this.maxPendingPerCaller = maxPendingPerCaller;
    }

    /**
     * Creates the job, or finds the one the idempotency key names (the caller's own).
     *
     * @return the job, and whether this call created it (then it must be queued)
     */
    public Submission submit(@Body SubmitRequest request,
                             @ExchangeProperty(ExchangeProperties.CALLER) Caller caller) {
        admit(caller);
        Submission submission = store.submit(new JobRequest(request.input(), request.fresh(), caller.owner(),
                        request.idempotencyKey(), request.callbackUrl(), request.linkBase(), null, JobTrace.current()))
                .orElseThrow(this::full);
        Span.current().setAttribute(JOB_ID, submission.job().id()); // the submit's span (when tracing is on)
        if (!submission.created() && !(submission.job().input().equals(request.input())
                && submission.job().fresh() == request.fresh()
                && Objects.equals(submission.job().callbackUrl(), request.callbackUrl()))) {
            throw new ApiException(409, "Idempotency-Key '" + request.idempotencyKey()
                    + "' was already used for a job with other parameters.");
        }
        return submission;
    }

    /**
     * Whether this instance takes a new job from this caller now: 503 while it stops, 429 past the caller's own
     * limit of unfinished jobs.
     */
    void admit(Caller caller) {
        accepting();
        if (maxPendingPerCaller > 0 && !caller.admin()
                && store.countUnfinished(caller.owner()) >= maxPendingPerCaller) {
            throw new ApiException(429, "You have " + maxPendingPerCaller + " unfinished jobs, the most a caller "
                    + "may have; try again when one has finished.", Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
        }
    }

    /** 503 while the instance stops: it queues no job. */
    void accepting() {
        if (!shutdown.accepting()) {
            throw new ApiException(503, "The instance is stopping; submit the job again.",
                    Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
        }
    }

    /** The answer when {@code jobs.max-pending} unfinished jobs exist: 503, nothing created. */
    ApiException full() {
        return new ApiException(503, "Too many unfinished jobs; try again later.",
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    /** Undoes a submit whose job could not be queued, so that no job is left half-created. */
    public void abandon(Job job) {
        store.abandon(job);
        throw new ApiException(503, "The job could not be queued; try again later.",
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    /**
     * Puts the job the path's {@code id} names on the exchange ({@link ExchangeProperties#JOB}); 404 when none, or
     * when it is another caller's. It sets the property itself: a bean step that returned the job would replace the
     * request's message (the event stream writes to it), and a {@code setProperty} with a bean call copies the
     * exchange on every status request.
     */
    public void load(@Header("id") String id, Exchange exchange) {
        exchange.setProperty(ExchangeProperties.JOB, find(id, Authentication.caller(exchange)));
    }

    /** The job, if this caller may see it: another owner's job is not found, exactly as an unknown one. */
    public Job find(String id, Caller caller) {
        if (id == null || !UUID.matcher(id).matches()) {
            throw ApiException.notFound();
        }
        return store.find(id).filter(job -> caller.mayAccess(job.owner())).orElseThrow(ApiException::notFound);
    }

    public Job terminate(String id, Object reason, Caller caller) {
        find(id, caller);
        String why = reason(reason, MAX_REASON_LENGTH);
        JobStore.Change change = store.terminate(id, why == null ? "Terminated by request." : why)
                .orElseThrow(ApiException::notFound);
        if (!change.changed()) {
            throw new ApiException(410, "Job already " + change.before().status() + ".");
        }
        return change.after();
    }

    /** A caller's {@code reason}: null when none was given; one text of at most {@code max} characters. */
    static String reason(Object reason, int max) {
        if (reason == null) {
            return null;
        }
        if (!(reason instanceof String text) || text.length() > max) {
            throw new ApiException(400, "Invalid reason: give one text of at most " + max + " characters.");
        }
        return text;
    }

    public void purge(String id, Caller caller) {
        find(id, caller);
        switch (store.purge(id)) {
            case NOT_FOUND -> throw ApiException.notFound();
            case NOT_FINISHED -> throw new ApiException(409, "Job is not finished; terminate it first or wait.");
            default -> { }
        }
    }
}
