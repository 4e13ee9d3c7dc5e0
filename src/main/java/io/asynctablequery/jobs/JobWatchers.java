package io.asynctablequery.jobs;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests that wait for a job to finish ({@code wait}, {@code Prefer: wait}), held without a thread: a
 * waiter is a callback, completed by the job's finishing write on this instance, by a read of the shared
 * store once a second (a job another instance finishes), by its deadline, or when the instance stops.
 * At most {@code api.max-waits} are held at once; beyond that a request is not held.
 */
public class JobWatchers implements JobStore.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(JobWatchers.class);

    private final int maxHeld;
    private final Duration recheck;
    private final Function<String, Optional<Job>> reader;
    private final ConcurrentHashMap<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            daemon("job-wait-timer"));
    /** Answers go out on threads of their own, so a finishing worker is not kept writing responses. */
    private final ExecutorService wakeups = Executors.newFixedThreadPool(2, daemon("job-wait-wakeup"));

    /**
     * @param recheck how often the store is read for jobs that another instance may finish (zero: never, the
     *                store is this instance's own)
     * @param reader  reads a job from the store
     */
    public JobWatchers(int maxHeld, Duration recheck, Function<String, Optional<Job>> reader) {
        this.maxHeld = maxHeld;
        this.recheck = recheck;
        this.reader = reader;
        if (!recheck.isZero()) {
            timers.scheduleWithFixedDelay(this::recheckShared, recheck.toMillis(), recheck.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Calls {@code whenDone} (on another thread) with the job once it is finished or {@code maxWait} has
     * passed, with the job as last seen; with null when it was purged meanwhile.
     *
     * @return false when the request is not held ({@code api.max-waits} reached): {@code whenDone} is not called
     */
    public boolean awaitFinished(Job job, Duration maxWait, Consumer<Job> whenDone) {
        if (held.incrementAndGet() > maxHeld) {
            held.decrementAndGet();
            return false;
        }
        Waiter waiter = new Waiter(job, whenDone);
        waiters.computeIfAbsent(job.id(), id -> ConcurrentHashMap.newKeySet()).add(waiter);
        waiter.deadline = timers.schedule(() -> finish(waiter), maxWait.toMillis(), TimeUnit.MILLISECONDS);
        if (recheck.isZero()) { // a finish written between the caller's read and the registration is not missed
            changed(job.id(), reader.apply(job.id()).orElse(null));
        } // (a shared store is read again within a second anyway)
        return true;
    }

    /** How many requests are held now. */
    public int held() {
        return held.get();
    }

    @Override
    public void changed(String id, Job job) {
        Set<Waiter> watching = waiters.get(id);
        if (watching == null) {
            return;
        }
        for (Waiter waiter : watching) {
            waiter.latest = job;
            if (job == null || job.status().isFinished()) {
                finish(waiter);
            }
        }
    }

    /** Answers every held request now, with the job as last seen (the instance is stopping). */
    public void releaseAll() {
        waiters.values().forEach(watching -> watching.forEach(this::finish));
    }

    private void finish(Waiter waiter) {
        if (!waiter.done.compareAndSet(false, true)) {
            return;
        }
        if (waiter.deadline != null) {
            waiter.deadline.cancel(false);
        }
        waiters.computeIfPresent(waiter.id, (id, watching) -> {
            watching.remove(waiter);
            return watching.isEmpty() ? null : watching;
        });
        held.decrementAndGet();
        wakeups.execute(() -> waiter.whenDone.accept(waiter.latest));
    }

    /** One read per watched job: finished elsewhere, progressed, or purged. */
    private void recheckShared() {
        for (String id : waiters.keySet()) {
            try {
                changed(id, reader.apply(id).orElse(null));
            } catch (RuntimeException e) {
                LOG.debug("Could not re-read job {} for its waiters: {}", id, e.toString());
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger number = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static final class Waiter {
        final String id;
        final Consumer<Job> whenDone;
        final AtomicBoolean done = new AtomicBoolean();
        volatile Job latest;
        volatile ScheduledFuture<?> deadline;

        Waiter(Job job, Consumer<Job> whenDone) {
            this.id = job.id();
            this.latest = job;
            this.whenDone = whenDone;
        }
    }
}
