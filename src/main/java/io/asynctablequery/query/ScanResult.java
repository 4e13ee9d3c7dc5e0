package io.asynctablequery.query;


/** The outcome of a scan: the distinct count (meaningful only when not stopped) and the final progress. */
public record ScanResult(long distinctCount, Progress progress, boolean stopped) {
}
