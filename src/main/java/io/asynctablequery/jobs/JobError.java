package io.asynctablequery.jobs;

/** Why a job failed: a stable code for programs and a message for people. */
public record JobError(String code, String message) {
    public static final String TIMEOUT = "Timeout";
    public static final String TABLE_NOT_FOUND = "TableNotFound";
    public static final String STORAGE_UNREACHABLE = "StorageUnreachable";
    public static final String STORAGE_ERROR = "StorageError";
    public static final String INTERNAL = "InternalError";
    public static final String POISON_MESSAGE = "PoisonMessage";
    public static final String SHUTDOWN = "Shutdown";
}
