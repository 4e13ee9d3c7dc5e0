package io.asynctablequery.checkpoints;

import io.asynctablequery.query.Checkpoints;
import io.asynctablequery.query.DayRange;
import io.asynctablequery.query.SummarisedDays;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Checkpoints of the jobs of one process (the memory store, SPEC §15): each job's days read whole, with their
 * values, held until the job completes or is purged. They go with the process, as its jobs do.
 */
public class MemoryCheckpoints implements Checkpoints {

    private record KeptDay(SummarisedDays.Day figures, List<Object> values) {
    }

    private final Map<String, Map<LocalDate, KeptDay>> jobs = new ConcurrentHashMap<>();

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
                for (KeptDay kept : jobs.getOrDefault(jobId, Map.of()).values()) {
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
            public void keep(SummarisedDays.Day day, Set<Object> values) {
                jobs.computeIfAbsent(jobId, id -> new ConcurrentHashMap<>())
                        .put(day.day(), new KeptDay(day, List.copyOf(values)));
            }
        };
    }

    @Override
    public void remove(String jobId) {
        jobs.remove(jobId);
    }
}
