package io.asynctablequery.query;

import com.azure.core.exception.HttpResponseException;
import com.azure.data.tables.models.TableServiceException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Which storage failures are passing: no connection (refused, reset, closed), no answer in time, and
 * Azure's own "try again" answers ({@code 503 ServerBusy}, {@code 500 OperationTimedOut}, any 500 or 503).
 * A request that meets one answers 503 with {@code Retry-After}; a scan retries the page.
 */
public final class StorageFailures {

    private StorageFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpResponseException http) {
                int status = status(http);
                return status == 500 || status == 503 || status == 408;
            }
            if (cause instanceof IOException || isTimeout(cause)) {
                return true;
            }
        }
        return false;
    }

    /** A short code for a passing failure, e.g. {@code ServerBusy}, {@code ConnectionRefused}, {@code Timeout}. */
    public static String code(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TableServiceException table && table.getValue() != null
                    && table.getValue().getErrorCode() != null) {
                return table.getValue().getErrorCode().toString();
            }
            if (cause instanceof HttpResponseException http) {
                // Azure names every error in this header; the listing pager's own exception type has no code
                String code = http.getResponse() == null ? null : http.getResponse().getHeaderValue("x-ms-error-code");
                return code != null && code.matches("[A-Za-z]{1,64}") ? code : "Http" + status(http);
            }
            if (cause instanceof ConnectException) {
                return "ConnectionRefused";
            }
            if (isTimeout(cause)) {
                return "Timeout";
            }
            if (cause instanceof IOException) {
                return "ConnectionLost";
            }
        }
        return "Unknown";
    }

    /** Java's own, or the HTTP client's (Netty's read and write timeouts are not Java's type). */
    private static boolean isTimeout(Throwable cause) {
        return cause instanceof TimeoutException || cause.getClass().getSimpleName().endsWith("TimeoutException");
    }

    private static int status(HttpResponseException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }
}
