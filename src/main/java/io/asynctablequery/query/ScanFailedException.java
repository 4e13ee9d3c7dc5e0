package io.asynctablequery.query;

/** A scan failed for a reason a user can act on; the message names the table or endpoint, never a key. */
public class ScanFailedException extends RuntimeException {

    /** The scan ran past its deadline (the job timeout). */
    public static final String TIMEOUT = "Timeout";
    /** The audit table does not exist. */
    public static final String TABLE_NOT_FOUND = "TableNotFound";
    /** Storage did not answer (beyond the outage tolerance). */
    public static final String STORAGE_UNREACHABLE = "StorageUnreachable";
    /** Storage answered with an error. */
    public static final String STORAGE_ERROR = "StorageError";
    /** Anything else. */
    public static final String INTERNAL = "InternalError";

    private final String code;

    public ScanFailedException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
