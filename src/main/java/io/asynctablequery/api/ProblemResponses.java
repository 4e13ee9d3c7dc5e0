package io.asynctablequery.api;

import io.asynctablequery.auth.UnauthenticatedException;
import io.asynctablequery.storage.StorageFailures;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the exception a route caught into a problem response. Storage that did not answer in time (or at
 * all) is a 503 with {@code Retry-After}: the request changed nothing and may be sent again. Unexpected
 * exceptions are logged here and answered with a plain 500: no stack trace, message or configuration leaves
 * the process.
 */
public class ProblemResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);

    private final Map<String, String> retryAfter;

    public ProblemResponses(int retryAfterSeconds) {
        this.retryAfter = Map.of("Retry-After", String.valueOf(retryAfterSeconds));
    }

    public void render(Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        for (Throwable cause = caught; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException refused) { // bean expressions wrap what the bean threw
                write(exchange, refused.status(), refused.getMessage(), refused.headers());
                return;
            }
            if (cause instanceof UnauthenticatedException unauthenticated) {
                write(exchange, 401, unauthenticated.getMessage(), unauthenticated.challenge() == null ? Map.of()
                        : Map.of("WWW-Authenticate", unauthenticated.challenge()));
                return;
            }
        }
        if (StorageFailures.isTransient(caught)) {
            LOG.warn("Request {} {}: storage did not answer ({})", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                    exchange.getIn().getHeader(Exchange.HTTP_PATH), StorageFailures.code(caught));
            write(exchange, 503, "Storage is not answering in time; try again later.", retryAfter);
            return;
        }
        LOG.error("Request {} {} failed", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                exchange.getIn().getHeader(Exchange.HTTP_PATH), caught);
        write(exchange, 500, "Internal server error.", Map.of());
    }

    static void write(Exchange exchange, int status, String detail, Map<String, String> headers) {
        HttpResponses.write(exchange, status, headers, Problem.of(status, detail), HttpResponses.PROBLEM_JSON);
    }
}
