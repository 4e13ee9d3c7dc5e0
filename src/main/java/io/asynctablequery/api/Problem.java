package io.asynctablequery.api;

/**
 * An RFC 9457 problem. {@code error} repeats {@code detail} for the original clients, which read it.
 */
public record Problem(String type, String title, int status, String detail, String error) {

    public static Problem of(int status, String detail) {
        return new Problem("about:blank", title(status), status, detail, detail);
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
