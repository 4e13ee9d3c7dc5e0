package io.asynctablequery.storage;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.data.tables.models.TableServiceException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Which storage failures are passing: no connection (refused, reset, closed), no answer in time,
 * Azure's own "try again" answers ({@code 503 ServerBusy}, {@code 500 OperationTimedOut}, any 500 or 503),
 * and no token from the identity the instance reaches storage with (SPEC §12: its endpoint fails or refuses).
 * A request that meets one answers 503 with {@code Retry-After}; a scan retries the page.
 */
public final class StorageFailures {

    /** The code of a failure to get a token from the credential. */
    public static final String NO_TOKEN = "NoToken";

    private StorageFailures() {
    }

    /**
     * Why the credential gave no token, in a line that holds no secret: the innermost cause's message (the
     * identity endpoint's own words, e.g. {@code 401 Unauthorized request}), cut short, with anything shaped
     * like a token left out. Null when the failure is not the credential's.
     */
    public static String noTokenReason(Throwable failure) {
        Throwable credentialFailure = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClientAuthenticationException) {
                credentialFailure = cause;
            }
        }
        if (credentialFailure == null) {
            return null;
        }
        Throwable innermost = credentialFailure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = String.valueOf(innermost.getMessage()).replaceAll("\\s+", " ")
                .replaceAll("eyJ[A-Za-z0-9_.-]*", "(token)")
                .replace(" Use this Correlation ID for further investigation.", "");
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    /**
     * Why storage failed, without its message (which may carry a URL): the HTTP status, or the failure's kind;
     * when the credential gave no token, that, with the identity endpoint's reason.
     */
    public static String describe(Throwable failure, String credential) {
        String noToken = noTokenReason(failure);
        if (noToken != null) {
            return "no token from the " + credential + " credential: " + noToken;
        }
        if (failure instanceof TableServiceException table && table.getValue() != null
                && table.getValue().getErrorCode() != null) {
            return "storage answered " + table.getResponse().getStatusCode() + " " + table.getValue().getErrorCode();
        }
        if (failure instanceof HttpResponseException http && http.getResponse() != null) {
            return "storage answered " + http.getResponse().getStatusCode();
        }
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return "no answer within the storage timeout";
        }
        return "storage unreachable (" + cause.getClass().getSimpleName() + ")";
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClientAuthenticationException) {
                return true;
            }
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

    /**
     * A short code for a passing failure, e.g. {@code ServerBusy}, {@code ConnectionRefused}, {@code Timeout},
     * {@code NoToken} (the credential gave none).
     */
    public static String code(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClientAuthenticationException) {
                return NO_TOKEN;
            }
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
