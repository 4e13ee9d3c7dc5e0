package io.asynctablequery.jobs;

import io.asynctablequery.query.Checkpoints;
import java.util.concurrent.ExecutorService;

/**
 * Removes a job's checkpoint once nothing can run it again from there: it completed or was terminated (a restart
 * runs from the start), or it was purged. A Failed job keeps its checkpoint, for a rewind, until it is purged. The
 * removal runs in the background: the write that finished or purged the job does not wait for blob storage.
 */
final class CheckpointRemoval implements JobStore.Listener {

    private final Checkpoints checkpoints;
    private final ExecutorService removals;

    CheckpointRemoval(Checkpoints checkpoints, ExecutorService removals) {
        this.checkpoints = checkpoints;
        this.removals = removals;
    }

    @Override
    public void changed(String id, Job job) {
        if (job == null) {
            removals.execute(() -> checkpoints.remove(id));
        }
    }

    @Override
    public void finished(Job job) {
        if (job.status() != JobStatus.Failed) {
            removals.execute(() -> checkpoints.remove(job.id()));
        }
    }
}
