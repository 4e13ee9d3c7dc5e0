package io.asynctablequery.observability;

import io.asynctablequery.jobs.InstanceName;
import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobStore;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One INFO line per job state change written by this instance (SPEC §8): the job's id, its owner's name,
 * the new state, this instance's name (as the job's history names it), how long since it was submitted, entities scanned, and the result or the error's code.
 * The fields are key-value pairs too, so the JSON log format gives each its own member. Never the
 * query's callback URL, a credential or the error's message (which may name a storage endpoint).
 */
public class JobStateLog implements JobStore.Listener {

    private static final Logger LOG = LoggerFactory.getLogger("io.asynctablequery.jobs.state");

    @Override
    public void changed(String id, Job job) {
        if (job == null) {
            LOG.atInfo().addKeyValue("jobId", id).addKeyValue("state", "Purged").log("Job {} purged", id);
        }
    }

    @Override
    public void submitted(Job job) {
        line(job).log("Job {} {}, owner {}", job.id(), job.status(), owner(job));
    }

    @Override
    public void statusChanged(Job before, Job after) {
        LoggingEventBuilder line = line(after);
        long millis = Duration.between(after.createdTime(), after.lastUpdatedTime()).toMillis();
        String outcome = after.result() != null ? ", result " + after.result()
                : after.error() != null ? ", error " + after.error().code() : "";
        line.log("Job {} {}, owner {}, after {} s, {} entities scanned{}", after.id(), after.status(), owner(after),
                millis / 1000.0, entities(after), outcome);
    }

    private static LoggingEventBuilder line(Job job) {
        LoggingEventBuilder line = LOG.atInfo().addKeyValue("jobId", job.id()).addKeyValue("state", job.status())
                .addKeyValue("instance", InstanceName.NAME)
                .addKeyValue("owner", owner(job))
                .addKeyValue("durationMs", Duration.between(job.createdTime(), job.lastUpdatedTime()).toMillis())
                .addKeyValue("entitiesScanned", entities(job));
        if (job.result() != null) {
            line = line.addKeyValue("result", job.result());
        }
        if (job.error() != null) {
            line = line.addKeyValue("errorCode", job.error().code());
        }
        return line;
    }

    /** The owner's name; "-" when access control is off (api.auth=none: jobs have no owner). */
    private static String owner(Job job) {
        return job.owner() == null ? "-" : job.owner();
    }

    private static long entities(Job job) {
        return job.progress() == null ? 0 : job.progress().entitiesScanned();
    }
}
