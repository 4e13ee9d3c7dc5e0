package io.asynctablequery.jobs;

/** A continuation token that no listing of this store produced. */
public class InvalidContinuationTokenException extends RuntimeException {
    public InvalidContinuationTokenException() {
        super("invalid continuation token", null, false, false);
    }
}
