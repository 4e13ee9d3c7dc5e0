package io.asynctablequery.jobs;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
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
 * Requests that watch a job, held without a thread: a long poll ({@code wait}, {@code Prefer: wait}) until
 * it is finished, or an event stream of each of its changes. A watch is a callback, called on the job's
 * writes on this instance, on a read of the shared store once a second (a job another instance runs), on its
 * deadline, or when the instance stops. At most {@code api.max-waits} watches are held at once.
 */
public class JobWatchers implements JobStore.Listener {

    /** What a held watch is told: each newer state of the job (streams), and its end. */
    public interface Watch {
        /** A newer state of the job; called in order, never two at once, the last state first when several came. */
        default void changed(Job job) {
        }

        /** The watch is over (the job finished or was purged, the deadline passed, or the instance stops). */
        void ended(Job last);
    }

    /** A stream's handle: cancel it when its client goes away. */
    public interface Subscription {
        void cancel();
    }

    private static final Logger LOG = LoggerFactory.getLogger(JobWatchers.class);

    private final int maxHeld;
    private final Duration recheck;
    private final Function<String, Optional<Job>> reader;
    private final ConcurrentHashMap<String, Set<Watcher>> watchers = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();
    private final ScheduledExecutorService timers;
    private final ExecutorService wakeups;

    /**
     * @param recheck how often the store is read for jobs that another instance may change (zero: never, the
     *                store is this instance's own)
     * @param reader  reads a job from the store
     * @param timers  ends waits at their deadline and rechecks a shared store (one thread)
     * @param wakeups answers the waits, so a finishing worker is not kept writing responses
     */
    public JobWatchers(int maxHeld, Duration recheck, Function<String, Optional<Job>> reader,
                       ScheduledExecutorService timers, ExecutorService wakeups) {
        this.maxHeld = maxHeld;
        this.recheck = recheck;
        this.reader = reader;
        this.timers = timers;
        this.wakeups = wakeups;
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
        Watcher watcher = hold(job, false, whenDone::accept);
        if (watcher == null) {
            return false;
        }
        watcher.deadline = timers.schedule(() -> end(watcher), maxWait.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    /**
     * Tells {@code watch} of every change of the job after {@code job} (the state the caller has shown), until
     * it is finished, purged or cancelled.
     *
     * @return empty when {@code api.max-waits} watches are held already: nothing will be called
     */
    public Optional<Subscription> stream(Job job, Watch watch) {
        Watcher watcher = hold(job, true, watch);
        return watcher == null ? Optional.empty() : Optional.of(() -> end(watcher));
    }

    /** Whether another watch may be held now. */
    public boolean hasRoom() {
        return held.get() < maxHeld;
    }

    /** How many requests are held now. */
    public int held() {
        return held.get();
    }

    @Override
    public void changed(String id, Job job) {
        Set<Watcher> watching = watchers.get(id);
        if (watching == null) {
            return;
        }
        for (Watcher watcher : watching) {
            if (Objects.equals(watcher.latest, job)) {
                continue;
            }
            watcher.latest = job;
            if (job == null || job.status().isFinished()) {
                end(watcher);
            } else if (watcher.streaming) {
                wakeups.execute(watcher::deliver);
            }
        }
    }

    /** Ends every held watch now, with the job as last seen (the instance is stopping). */
    public void releaseAll() {
        watchers.values().forEach(watching -> watching.forEach(this::end));
    }

    private Watcher hold(Job job, boolean streaming, Watch watch) {
        if (held.incrementAndGet() > maxHeld) {
            held.decrementAndGet();
            return null;
        }
        Watcher watcher = new Watcher(job, streaming, watch);
        watchers.computeIfAbsent(job.id(), id -> ConcurrentHashMap.newKeySet()).add(watcher);
        if (recheck.isZero()) { // a change written between the caller's read and the registration is not missed
            changed(job.id(), reader.apply(job.id()).orElse(null));
        } // (a shared store is read again within a second anyway)
        return watcher;
    }

    private void end(Watcher watcher) {
        if (!watcher.done.compareAndSet(false, true)) {
            return;
        }
        if (watcher.deadline != null) {
            watcher.deadline.cancel(false);
        }
        watchers.computeIfPresent(watcher.id, (id, watching) -> {
            watching.remove(watcher);
            return watching.isEmpty() ? null : watching;
        });
        held.decrementAndGet();
        wakeups.execute(watcher::finish);
    }

    /** One read per watched job: changed or finished elsewhere, or purged. */
    private void recheckShared() {
        for (String id : watchers.keySet()) {
            try {
                changed(id, reader.apply(id).orElse(null));
            } catch (RuntimeException e) {
                LOG.debug("Could not re-read job {} for its watchers: {}", id, e.toString());
            }
        }
    }

    private static final class Watcher {
        final String id;
        final boolean streaming;
        final Watch watch;
        final AtomicBoolean done = new AtomicBoolean();
        volatile Job latest;
        volatile ScheduledFuture<?> deadline;
        private Job told;

        Watcher(Job job, boolean streaming, Watch watch) {
            this.id = job.id();
            this.latest = job;
            this.told = job;
            this.streaming = streaming;
            this.watch = watch;
        }

        /** Tells the newest state not yet told: deliveries may run late or together, never out of order. */
        synchronized void deliver() {
            Job job = latest;
            if (job != null && job != told && !done.get()) {
                told = job;
                watch.changed(job);
            }
        }

        synchronized void finish() {
            Job job = latest;
            if (streaming && job != null && job != told) {
                told = job;
                watch.changed(job);
            }
            watch.ended(job);
        }
    }
}
