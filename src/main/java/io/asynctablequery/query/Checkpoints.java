package io.asynctablequery.query;

/**
 * A job's own record of the days it has read whole (SPEC §15): whenever the job runs again (handed back, taken
 * over, resumed, rewound) its scan answers those days from it and reads only the others. It keeps every day, not
 * only settled ones, and only for that job. As with {@link SummarisedDays}, nothing here may fail a scan or make its
 * answer wrong: a day it cannot answer is read from the table. {@link #NONE} keeps nothing.
 */
public interface Checkpoints {

    Checkpoints NONE = new Checkpoints() {
        @Override
        public SummarisedDays.ForScan open(String jobId, DayRange range) {
            return new SummarisedDays.ForScan() {
            };
        }

        @Override
        public void remove(String jobId) {
        }
    };

    /** What one run of the job may take (its days kept by earlier runs) and leave (the days it reads whole). */
    SummarisedDays.ForScan open(String jobId, DayRange range);

    /** Drops the job's checkpoint: it completed, was restarted from the start, or was purged. */
    void remove(String jobId);
}
