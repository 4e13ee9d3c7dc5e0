package io.asynctablequery.api;

import io.asynctablequery.ExchangeProperties;
import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobWatchers;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * {@code ?wait=N} and {@code Prefer: wait=N}: holds a request until the job in the exchange property
 * {@code job} is finished or N seconds (capped at {@code api.max-wait}) have passed. An asynchronous route
 * step: while it waits the route holds no thread ({@link JobWatchers}); the rest of the route runs when the
 * job's finishing write, the deadline or the instance's shutdown ends the wait. Beyond {@code api.max-waits}
 * held requests, a request is answered at once, as if it had asked for no wait.
 */
public class LongPoll extends AsyncProcessorSupport {

    private static final Pattern PREFER_WAIT = Pattern.compile("(?:^|[,;\\s])wait\\s*=\\s*\"?(\\d{1,9})\"?",
            Pattern.CASE_INSENSITIVE);

    private final JobWatchers watchers;
    private final int maxWaitSeconds;

    public LongPoll(JobWatchers watchers, int maxWaitSeconds) {
        this.watchers = watchers;
        this.maxWaitSeconds = maxWaitSeconds;
    }

    /** Reads (and checks) the wait the request asks for; called before anything is created. */
    public void readRequest(Exchange exchange) {
        exchange.setProperty(ExchangeProperties.WAIT_SECONDS, requestedSeconds(exchange));
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            Integer seconds = exchange.getProperty(ExchangeProperties.WAIT_SECONDS, Integer.class);
            if (seconds == null) {
                seconds = requestedSeconds(exchange);
            }
            Job job = exchange.getProperty(ExchangeProperties.JOB, Job.class);
            if (seconds > 0 && !job.status().isFinished()
                    && watchers.awaitFinished(job, Duration.ofSeconds(seconds), latest -> {
                        if (latest == null) {
                            exchange.setException(ApiException.notFound()); // purged meanwhile
                        } else {
                            exchange.setProperty(ExchangeProperties.JOB, latest);
                        }
                        callback.done(false);
                    })) {
                return false;
            }
        } catch (RuntimeException e) {
            exchange.setException(e);
        }
        callback.done(true);
        return true;
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
        exchange.setProperty(ExchangeProperties.PREFERENCE_APPLIED, "wait=" + seconds);
        return seconds;
    }
}
