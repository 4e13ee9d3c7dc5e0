package io.asynctablequery.jobs;

import io.asynctablequery.query.ScanFailedException;

/** Why a job failed: a stable code for programs and a message for people (a scan's codes, and the job's own). */
public record JobError(String code, String message) {
    public static final String TIMEOUT = ScanFailedException.TIMEOUT;
    public static final String TABLE_NOT_FOUND = ScanFailedException.TABLE_NOT_FOUND;
    public static final String STORAGE_UNREACHABLE = ScanFailedException.STORAGE_UNREACHABLE;
    public static final String STORAGE_ERROR = ScanFailedException.STORAGE_ERROR;
    public static final String INTERNAL = ScanFailedException.INTERNAL;
    public static final String POISON_MESSAGE = "PoisonMessage";
    public static final String SHUTDOWN = "Shutdown";
}
