package io.asynctablequery.api;

import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobStore;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code ?wait=N} and {@code Prefer: wait=N}: holds a request until the job in the exchange property
 * {@code job} is finished or N seconds (capped at {@code api.max-wait}) have passed. The wait is woken by
 * the job's finishing write, not by polling.
 */
public class LongPoll {

    public static final String JOB = "job";
    public static final String PREFERENCE_APPLIED = "preferenceApplied";
    private static final String WAIT_SECONDS = "waitSeconds";
    private static final Pattern PREFER_WAIT = Pattern.compile("(?:^|[,;\\s])wait\\s*=\\s*\"?(\\d{1,9})\"?",
            Pattern.CASE_INSENSITIVE);

    private final JobStore store;
    private final int maxWaitSeconds;

    public LongPoll(JobStore store, int maxWaitSeconds) {
        this.store = store;
        this.maxWaitSeconds = maxWaitSeconds;
    }

    /** Reads (and checks) the wait the request asks for; called before anything is created. */
    public void readRequest(Exchange exchange) {
        exchange.setProperty(WAIT_SECONDS, requestedSeconds(exchange));
    }

    public void await(Exchange exchange) throws InterruptedException {
        Integer seconds = exchange.getProperty(WAIT_SECONDS, Integer.class);
        if (seconds == null) {
            seconds = requestedSeconds(exchange);
        }
        Job job = exchange.getProperty(JOB, Job.class);
        if (seconds <= 0 || job.status().isFinished()) {
            return;
        }
        Job latest = store.awaitFinished(job.id(), Duration.ofSeconds(seconds)).orElseThrow(ApiException::notFound);
        exchange.setProperty(JOB, latest);
    }

    /** The seconds asked for, capped; records {@code Preference-Applied} when the Prefer header is honoured. */
    private int requestedSeconds(Exchange exchange) {
        Message in = exchange.getIn();
        Object query = in.getHeader("wait");
        if (query != null) {
            if (!(query instanceof String text) || !text.strip().matches("\\d{1,9}")) {
                throw new ApiException(400, "Invalid wait: give a whole number of seconds (at most "
                        + maxWaitSeconds + ").");
            }
            return Math.min(Integer.parseInt(text.strip()), maxWaitSeconds);
        }
        String prefer = in.getHeader("Prefer", String.class);
        if (prefer == null) {
            return 0;
        }
        Matcher wait = PREFER_WAIT.matcher(prefer);
        if (!wait.find()) {
            return 0; // RFC 7240: a preference the server does not understand is ignored
        }
        int seconds = Math.min(Integer.parseInt(wait.group(1)), maxWaitSeconds);
        exchange.setProperty(PREFERENCE_APPLIED, "wait=" + seconds);
        return seconds;
    }
}
