package io.asynctablequery.query;

/** A scan failed for a reason a user can act on; the message names the table or endpoint, never a key. */
public class ScanFailedException extends RuntimeException {
    private final String code;

    public ScanFailedException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
