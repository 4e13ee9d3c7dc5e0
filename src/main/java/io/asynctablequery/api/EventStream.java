package io.asynctablequery.api;

import io.asynctablequery.ExchangeProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobWatchers;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * {@code GET /api/status/{id}} with {@code Accept: text/event-stream}: a server-sent event {@code status}
 * whose data is the status document, at once and on every change of the job (progress, state), closing after
 * the event that shows it finished; a comment every 15 s keeps proxies from closing an idle stream. An
 * asynchronous route step that writes the stream itself and holds no thread ({@link JobWatchers}); streams
 * count against {@code api.max-waits}, and one beyond it is refused with 503.
 */
public class EventStream extends AsyncProcessorSupport {

    static final long KEEP_ALIVE_SECONDS = 15;

    private final JobWatchers watchers;
    private final int retryAfterSeconds;
    private final ScheduledExecutorService keepAlives;

    /** @param keepAlives writes the streams' keep-alive comments (one thread) */
    public EventStream(JobWatchers watchers, int retryAfterSeconds, ScheduledExecutorService keepAlives) {
        this.watchers = watchers;
        this.retryAfterSeconds = retryAfterSeconds;
        this.keepAlives = keepAlives;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Job job = exchange.getProperty(ExchangeProperties.JOB, Job.class);
        if (!job.status().isFinished() && !watchers.hasRoom()) {
            exchange.setException(new ApiException(503, "Too many open streams and waits; poll the status instead.",
                    Map.of("Retry-After", String.valueOf(retryAfterSeconds))));
            callback.done(true);
            return true;
        }
        boolean showInput = !"false".equalsIgnoreCase(exchange.getIn().getHeader("showInput", "", String.class));
        HttpServerResponse response = ((HttpMessage) exchange.getIn()).getResponse();
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no"); // nginx and the like: do not buffer the stream
        Stream stream = new Stream(response, showInput, callback);
        stream.send(job); // at once, before any change can be told
        Optional<JobWatchers.Subscription> subscription = job.status().isFinished() ? Optional.empty()
                : watchers.stream(job, stream);
        if (subscription.isEmpty()) { // finished, or the last room taken meanwhile: the client polls from here
            stream.ended(job);
            return false;
        }
        response.closeHandler(closed -> subscription.get().cancel()); // the client went away
        stream.keepAlive = keepAlives.scheduleAtFixedRate(stream::keepAlive, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS,
                TimeUnit.SECONDS);
        return false;
    }

    /** One client's stream: events in order, the last one when the job finished, then the end. */
    private static final class Stream implements JobWatchers.Watch {
        private final HttpServerResponse response;
        private final boolean showInput;
        private final AsyncCallback callback;
        private final AtomicBoolean over = new AtomicBoolean();
        volatile ScheduledFuture<?> keepAlive;

        Stream(HttpServerResponse response, boolean showInput, AsyncCallback callback) {
            this.response = response;
            this.showInput = showInput;
            this.callback = callback;
        }

        void send(Job job) {
            try {
                String data = HttpResponses.JSON.writeValueAsString(JobDocuments.status(job, showInput));
                write("event: status\ndata: " + data + "\n\n");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        void keepAlive() {
            write(": keep-alive\n\n");
        }

        private synchronized void write(String text) {
            if (!over.get() && !response.closed() && !response.ended()) {
                response.write(text);
            }
        }

        @Override
        public void changed(Job job) {
            send(job);
        }

        @Override
        public void ended(Job last) {
            if (!over.compareAndSet(false, true)) {
                return;
            }
            if (keepAlive != null) {
                keepAlive.cancel(false);
            }
            synchronized (this) {
                if (!response.closed() && !response.ended()) {
                    response.end();
                }
            }
            callback.done(false);
        }
    }
}
