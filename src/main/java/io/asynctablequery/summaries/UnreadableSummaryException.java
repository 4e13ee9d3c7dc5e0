package io.asynctablequery.summaries;

/** A summary blob that is truncated, is not a summary, or is another day's or query's: its day is scanned. */
public class UnreadableSummaryException extends Exception {

    public UnreadableSummaryException(String message) {
        super(message);
    }

    public UnreadableSummaryException(String message, Throwable cause) {
        super(message, cause);
    }
}
