package io.asynctablequery.schedules;

import io.asynctablequery.jobs.Job;
import io.asynctablequery.jobs.JobQuery;
import io.asynctablequery.jobs.JobRequest;
import io.asynctablequery.jobs.JobStatus;
import io.asynctablequery.jobs.JobStatusSets;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.jobs.JobTicket;
import io.asynctablequery.jobs.JobTrace;
import io.asynctablequery.jobs.Occurrence;
import io.asynctablequery.jobs.Shutdown;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a schedule's runs (SPEC §17), in the steps {@code schedules.camel.yaml} names: {@link #due} finds the
 * occurrences that have come and creates their jobs, the route queues each, {@link #started} records it.
 *
 * <p>Exactly one job per occurrence, on any number of instances: a run's job id is derived from the schedule and the
 * occurrence time, and the job store creates it only if absent. The schedule records an occurrence only after its
 * job was queued, so an instance killed between the two leaves the occurrence to the next look, anywhere: a job it
 * created but may not have queued (Pending for {@link #REQUEUE_AFTER}) is queued again, which a worker ignores if
 * the first message reached it (it runs only a Pending job).
 */
public class Scheduler {

    /** How long a Pending job of an unrecorded occurrence is left to the instance that created it. */
    static final Duration REQUEUE_AFTER = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    /** What made a run: an occurrence, the occurrence {@code bufferOne} held, or a trigger. */
    public enum Kind { OCCURRENCE, BUFFERED, TRIGGER }

    /** The outcomes counted in {@code audit_schedule_runs_total{outcome}}. */
    public enum Outcome { STARTED, SKIPPED, MISSED, REFUSED }

    /**
     * A run whose job exists: to queue ({@code queue}: created here, or left unqueued by an instance that died), then
     * to record.
     *
     * @param missedBefore occurrences before this one that got no run (counted when it is recorded)
     */
    public record Run(Schedule schedule, Instant occurrence, Kind kind, Job job, boolean created, boolean queue,
                      int missedBefore) {
        public JobTicket ticket() {
            return JobTicket.of(job);
        }
    }

    /** A trigger's outcome: its run when it started, else why not (skipped by the overlap rule, or refused: full). */
    public record Triggered(Run run, Outcome outcome) {
    }

    private final Schedules schedules;
    private final JobStore jobs;
    private final Shutdown shutdown;
    private final Map<Outcome, Counter> runs = new EnumMap<>(Outcome.class);
    private volatile boolean storageFailing; // logged once while the schedules cannot be read

    public Scheduler(Schedules schedules, JobStore jobs, Shutdown shutdown, MeterRegistry metrics) {
        this.schedules = schedules;
        this.jobs = jobs;
        this.shutdown = shutdown;
        for (Outcome outcome : Outcome.values()) {
            runs.put(outcome, Counter.builder("audit.schedule.runs").tag("outcome", outcome.name().toLowerCase())
                    .description("Occurrences of schedules: started, skipped by the overlap rule, missed, refused "
                            + "(jobs.max-pending reached)").register(metrics));
        }
    }

    /** The job id of a schedule's run for one occurrence: the same on every instance. */
    public static String jobId(String scheduleId, Instant occurrence) {
        return UUID.nameUUIDFromBytes((scheduleId + "@" + occurrence.toEpochMilli()).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * The runs due now, their jobs created; occurrences skipped, buffered, missed or refused are recorded here. None
     * while the instance stops: the occurrence is left to another instance, or to this one's restart.
     */
    public List<Run> due() {
        List<Run> due = new ArrayList<>();
        if (!shutdown.accepting()) {
            return due;
        }
        List<Schedule> all;
        try {
            all = schedules.all();
        } catch (RuntimeException e) {
            if (!storageFailing) {
                LOG.warn("The schedules could not be read ({}); looked for again at each tick", e.toString());
            }
            storageFailing = true;
            return due;
        }
        if (storageFailing) {
            LOG.info("The schedules can be read again");
            storageFailing = false;
        }
        for (Schedule schedule : all) {
            if (schedule.paused()) {
                continue;
            }
            try {
                dueOf(schedule).ifPresent(due::add);
            } catch (RuntimeException e) {
                LOG.warn("Schedule {} could not be looked at: {}; it is looked at again at the next tick",
                        schedule.id(), e.toString());
            }
        }
        return due;
    }

    private Optional<Run> dueOf(Schedule schedule) {
        Instant now = schedules.now();
        ScheduleTiming.Due due = schedule.timing().due(schedule.lastOccurrence(), now);
        if (schedule.buffered() != null) { // the held occurrence first; a new one is looked at once it runs
            Optional<Run> held = bufferedRun(schedule);
            if (held.isPresent() || due.latest() == null) {
                return held;
            }
        } else if (due.latest() == null) {
            return Optional.empty();
        }
        Instant occurrence = due.latest();
        // a job made for an occurrence that was not recorded (its maker died) is seen to first, however old
        Optional<Job> existing = jobs.find(jobId(schedule.id(), occurrence));
        if (existing.isPresent()) {
            return left(schedule, occurrence, Kind.OCCURRENCE, existing.get(), due.earlier());
        }
        Optional<Job> unfinished = newestUnfinishedRun(schedule.id());
        if (unfinished.isPresent() && unrecorded(schedule, unfinished.get())) {
            return left(schedule, unfinished.get().occurrence().time(), Kind.OCCURRENCE, unfinished.get(), 0);
        }
        if (Duration.between(occurrence, now).compareTo(schedule.definition().catchup()) > 0) {
            record(schedule, occurrence, false, s -> s.occurred(occurrence), null, due.earlier() + 1,
                    "missed with " + due.earlier() + " before it: no instance ran within its catchupWindow");
            return Optional.empty();
        }
        Overlap overlap = schedule.definition().overlap();
        if (overlap != Overlap.ALLOW_ALL && unfinished.isPresent()) {
            if (overlap == Overlap.BUFFER_ONE && schedule.buffered() == null) {
                record(schedule, occurrence, false, s -> s.buffering(occurrence), null, due.earlier(),
                        "held: the previous run goes on (bufferOne)");
            } else {
                record(schedule, occurrence, false, s -> s.occurred(occurrence), Outcome.SKIPPED, due.earlier(),
                        "skipped: the previous run goes on (" + overlap.text() + ")");
            }
            return Optional.empty();
        }
        return create(schedule, occurrence, Kind.OCCURRENCE, due.earlier());
    }

    /** The held occurrence's run, once no run of the schedule is unfinished. */
    private Optional<Run> bufferedRun(Schedule schedule) {
        Instant occurrence = schedule.buffered();
        Optional<Job> existing = jobs.find(jobId(schedule.id(), occurrence));
        if (existing.isPresent()) {
            return left(schedule, occurrence, Kind.BUFFERED, existing.get(), 0);
        }
        return hasUnfinishedRun(schedule.id()) ? Optional.empty() : create(schedule, occurrence, Kind.BUFFERED, 0);
    }

    /**
     * An occurrence whose job exists but which the schedule has not recorded: its maker is queueing it, or died
     * before it recorded it. A Pending job older than {@link #REQUEUE_AFTER} is queued again.
     */
    private Optional<Run> left(Schedule schedule, Instant occurrence, Kind kind, Job job, int missedBefore) {
        boolean young = Duration.between(job.createdTime(), schedules.now()).compareTo(REQUEUE_AFTER) < 0;
        if (job.status() == JobStatus.Pending && young) {
            return Optional.empty();
        }
        return Optional.of(new Run(schedule, occurrence, kind, job, false, job.status() == JobStatus.Pending,
                missedBefore));
    }

    private Optional<Run> create(Schedule schedule, Instant occurrence, Kind kind, int missedBefore) {
        Optional<JobStore.Submission> submission = jobs.submitOccurrence(jobId(schedule.id(), occurrence),
                request(schedule, occurrence, null));
        if (submission.isEmpty()) {
            boolean held = kind == Kind.BUFFERED;
            record(schedule, occurrence, held, held ? Schedule::bufferStarted : s -> s.occurred(occurrence),
                    Outcome.REFUSED, missedBefore, "refused: jobs.max-pending unfinished jobs exist; it is not tried "
                            + "again");
            return Optional.empty();
        }
        if (!submission.get().created()) {
            return Optional.empty(); // another instance created it a moment ago: it queues and records it
        }
        return Optional.of(new Run(schedule, occurrence, kind, submission.get().job(), true, true, missedBefore));
    }

    /** A run now, whatever the timing says (allowed while paused); the overlap rule applies. */
    public Triggered trigger(Schedule schedule) {
        Instant now = schedules.now();
        if (schedule.definition().overlap() != Overlap.ALLOW_ALL && hasUnfinishedRun(schedule.id())) {
            runs.get(Outcome.SKIPPED).increment();
            return new Triggered(null, Outcome.SKIPPED);
        }
        Optional<JobStore.Submission> submission = jobs.submitOccurrence(jobId(schedule.id(), now),
                request(schedule, now, JobTrace.current()));
        if (submission.isEmpty()) {
            runs.get(Outcome.REFUSED).increment();
            return new Triggered(null, Outcome.REFUSED);
        }
        return new Triggered(new Run(schedule, now, Kind.TRIGGER, submission.get().job(),
                submission.get().created(), submission.get().created(), 0), Outcome.STARTED);
    }

    /** The run's job is queued (or was): the schedule records its occurrence, once across all instances. */
    public void started(Run run) {
        try {
            record(run);
        } catch (RuntimeException e) { // the next look finds the job and records the occurrence then
            LOG.warn("Schedule {}: the occurrence {} could not be recorded ({}); recorded at a later look",
                    run.schedule().id(), run.occurrence(), e.toString());
        }
    }

    private void record(Run run) {
        if (run.kind() == Kind.TRIGGER) {
            runs.get(Outcome.STARTED).increment();
            LOG.info("Schedule {} triggered: job {}", run.schedule().id(), run.job().id());
            return;
        }
        Instant occurrence = run.occurrence();
        boolean buffered = run.kind() == Kind.BUFFERED;
        record(run.schedule(), occurrence, buffered, buffered ? Schedule::bufferStarted : s -> s.occurred(occurrence),
                Outcome.STARTED, run.missedBefore(), "started: job " + run.job().id());
    }

    /** The run's job could not be queued: a job made here is removed, and the occurrence tried at the next look. */
    public void notQueued(Run run, Exception cause) {
        if (run.created()) {
            jobs.abandon(run.job());
        }
        LOG.warn("Schedule {}: the job for {} could not be queued ({}); tried again at the next tick",
                run.schedule().id(), run.occurrence(), cause.toString());
    }

    /** Whether a run of the schedule has not finished yet (Pending, Running or Suspended). */
    public boolean hasUnfinishedRun(String scheduleId) {
        return newestUnfinishedRun(scheduleId).isPresent();
    }

    private Optional<Job> newestUnfinishedRun(String scheduleId) {
        return jobs.list(JobQuery.ofSchedule(scheduleId, JobStatusSets.UNFINISHED, 1)).jobs().stream().findFirst();
    }

    /**
     * A Pending job of an occurrence after the one the schedule recorded last: its maker died before it recorded it
     * (and maybe before it queued it), and a later occurrence has come since. It is queued again and recorded, so it
     * never stays Pending with no message. A triggered run's time is not an occurrence and is left alone.
     */
    private static boolean unrecorded(Schedule schedule, Job job) {
        Instant occurrence = job.occurrence() == null ? null : job.occurrence().time();
        return job.status() == JobStatus.Pending && occurrence != null
                && occurrence.isAfter(schedule.lastOccurrence()) && schedule.timing().isOccurrence(occurrence);
    }

    /**
     * Writes the change unless another instance recorded the occurrence first (for the held one: started it); counts
     * the outcome (none: null) and the occurrences missed before it only when this write recorded it.
     */
    private void record(Schedule seen, Instant occurrence, boolean held, UnaryOperator<Schedule> change,
                        Outcome outcome, int missed, String what) {
        Optional<Schedules.Change> recorded = schedules.update(seen.id(), current -> {
            boolean open = held ? occurrence.equals(current.buffered()) : current.lastOccurrence().isBefore(occurrence);
            return open ? change.apply(current) : current;
        });
        if (recorded.isEmpty() || !recorded.get().changed()) {
            return;
        }
        if (missed > 0) {
            runs.get(Outcome.MISSED).increment(missed);
        }
        if (outcome != null) {
            runs.get(outcome).increment();
        }
        LOG.info("Schedule {} ({}), occurrence {}: {}{}", seen.definition().name(), seen.id(), occurrence, what,
                missed > 0 && outcome != null ? "; " + missed + " earlier occurrences missed" : "");
    }

    private static JobRequest request(Schedule schedule, Instant occurrence, JobTrace trace) {
        ScheduleDefinition definition = schedule.definition();
        String callbackUrl = definition.callbackUrl();
        return new JobRequest(definition.range().days(occurrence, definition.zone()), definition.fresh(),
                schedule.owner(), null, callbackUrl, callbackUrl == null ? null : schedule.linkBase(),
                new Occurrence(schedule.id(), occurrence), trace);
    }
}
