package io.asynctablequery.query;


/** What a running scan asks of its job: whether to stop, and where to report progress. */
public interface ScanListener {

    /** Checked between pages of results: true stops the scan. */
    boolean shouldStop();

    /** Called each time a day partition is finished. */
    void onProgress(Progress progress);
}
