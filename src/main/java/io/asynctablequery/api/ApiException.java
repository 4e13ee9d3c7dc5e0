package io.asynctablequery.api;

import java.util.Map;

/** A request the API refuses: rendered as an RFC 9457 problem with this status and detail. */
public class ApiException extends RuntimeException {
    private final int status;
    private final Map<String, String> headers;

    public ApiException(int status, String detail) {
        this(status, detail, Map.of());
    }

    public ApiException(int status, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    /** Extra response headers, e.g. {@code Retry-After} on a 503 or {@code Allow} on a 405. */
    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException notFound() {
        return new ApiException(404, "Job not found");
    }
}
