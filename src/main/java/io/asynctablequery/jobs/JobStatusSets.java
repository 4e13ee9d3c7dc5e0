package io.asynctablequery.jobs;

import java.util.EnumSet;
import java.util.Set;

/** The sets of statuses listings ask for. */
public final class JobStatusSets {
    public static final Set<JobStatus> ALL = EnumSet.allOf(JobStatus.class);
    public static final Set<JobStatus> FINISHED = EnumSet.of(JobStatus.Completed, JobStatus.Failed,
            JobStatus.Terminated);
    /** Not finished: Pending, Running or Suspended. */
    public static final Set<JobStatus> UNFINISHED = EnumSet.of(JobStatus.Pending, JobStatus.Running,
            JobStatus.Suspended);

    private JobStatusSets() {
    }
}
