package io.asynctablequery.jobs;

import io.asynctablequery.settings.ConfigurationException;
import io.asynctablequery.settings.Settings;

/**
 * Where jobs queue and where they are kept (SPEC §4), read once per capability that depends on it.
 *
 * @param queue       {@code jobs.dispatch=azure-storage-queue}: an Azure Storage Queue shared by instances, not SEDA
 * @param sharedStore {@code jobs.store=table}: jobs kept in the job table, not in this process's memory
 * @param workers     {@code jobs.workers}: jobs run at once here; 0 (queue mode only) makes an API-only instance
 */
public record JobModes(boolean queue, boolean sharedStore, int workers) {

    public static final String SEDA = "seda";
    public static final String QUEUE = "azure-storage-queue";

    public static JobModes from(Settings settings) {
        String dispatch = settings.oneOf("jobs.dispatch", SEDA, QUEUE);
        boolean sharedStore = "table".equals(settings.oneOf("jobs.store", "memory", "table"));
        int workers = settings.number("jobs.workers", SEDA.equals(dispatch) ? 1 : 0);
        if (QUEUE.equals(dispatch) && !sharedStore) {
            throw new ConfigurationException("jobs.dispatch=azure-storage-queue needs jobs.store=table: instances "
                    + "that share a queue must share their jobs too");
        }
        return new JobModes(QUEUE.equals(dispatch), sharedStore, workers);
    }
}
