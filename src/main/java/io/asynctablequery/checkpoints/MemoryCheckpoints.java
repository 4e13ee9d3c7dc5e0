package io.asynctablequery.checkpoints;

import io.asynctablequery.query.Checkpoints;
import io.asynctablequery.query.DayRange;
import io.asynctablequery.query.SummarisedDays;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Checkpoints of the jobs of one process (the memory store, SPEC §15): each job's days read whole, with their
 * values, held until the job completes or is purged. They go with the process, as its jobs do. They hold at most
 * {@code maxValues} values in all (a Failed job's stays until it is purged): past it the checkpoints kept longest are
 * dropped first, and a day that does not fit is not kept (it is read again if its job runs again).
 */
public class MemoryCheckpoints implements Checkpoints {

    private record KeptDay(SummarisedDays.Day figures, List<Object> values) {
    }

    /** A sixteenth of the heap, at about a hundred bytes a value (a short text and its place in a set). */
    public static final long DEFAULT_MAX_VALUES = Runtime.getRuntime().maxMemory() / 16 / 100;

    private final long maxValues;
    private final Map<String, Map<LocalDate, KeptDay>> jobs = new LinkedHashMap<>(); // oldest first; guarded by this
    private long values;

    public MemoryCheckpoints(long maxValues) {
        this.maxValues = maxValues;
    }

    @Override
    public SummarisedDays.ForScan open(String jobId, DayRange range) {
        return new SummarisedDays.ForScan() {
            @Override
            public boolean keeps(LocalDate day) {
                return true;
            }

            @Override
            public void recall(Set<Object> into, BooleanSupplier stop, Predicate<LocalDate> wanted,
                               Consumer<SummarisedDays.Day> answered) {
                for (KeptDay kept : kept(jobId)) {
                    LocalDate day = kept.figures().day();
                    if (stop.getAsBoolean()) {
                        return;
                    }
                    if (!day.isBefore(range.start()) && !day.isAfter(range.end()) && wanted.test(day)) {
                        into.addAll(kept.values());
                        answered.accept(kept.figures());
                    }
                }
            }

            @Override
            public void keep(SummarisedDays.Day day, Set<Object> dayValues) {
                MemoryCheckpoints.this.keep(jobId, new KeptDay(day, List.copyOf(dayValues)));
            }
        };
    }

    private synchronized List<KeptDay> kept(String jobId) {
        return new ArrayList<>(jobs.getOrDefault(jobId, Map.of()).values());
    }

    private synchronized void keep(String jobId, KeptDay day) {
        Iterator<Map.Entry<String, Map<LocalDate, KeptDay>>> oldest = jobs.entrySet().iterator();
        while (values + day.values().size() > maxValues && oldest.hasNext()) {
            Map.Entry<String, Map<LocalDate, KeptDay>> job = oldest.next();
            if (!job.getKey().equals(jobId)) {
                values -= count(job.getValue());
                oldest.remove();
            }
        }
        if (values + day.values().size() > maxValues) {
            return; // this job's own days fill the room: this one is read again if need be
        }
        KeptDay replaced = jobs.computeIfAbsent(jobId, id -> new ConcurrentHashMap<>()).put(day.figures().day(), day);
        values += day.values().size() - (replaced == null ? 0 : replaced.values().size());
    }

    @Override
    public synchronized void remove(String jobId) {
        Map<LocalDate, KeptDay> removed = jobs.remove(jobId);
        if (removed != null) {
            values -= count(removed);
        }
    }

    /** Values held in all, by every job's checkpoint. */
    synchronized long values() {
        return values;
    }

    private static long count(Map<LocalDate, KeptDay> days) {
        return days.values().stream().mapToLong(day -> day.values().size()).sum();
    }
}
