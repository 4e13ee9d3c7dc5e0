package io.asynctablequery.schedules;

import io.asynctablequery.storage.LateWrites;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** The schedules, kept in a {@link ScheduleRepository}; every change a compare-and-set on the version read. */
public class Schedules {

    /** A change's outcome: the schedule before and after (the same record when nothing changed). */
    public record Change(Schedule before, Schedule after) {
        public boolean changed() {
            return before != after;
        }
    }

    private final ScheduleRepository repository;
    private final Clock clock;
    private final LateWrites lateWrites;

    public Schedules(ScheduleRepository repository, Clock clock, LateWrites lateWrites) {
        this.repository = repository;
        this.clock = clock;
        this.lateWrites = lateWrites;
    }

    /** A new schedule; one whose create failed (storage did not answer) is removed if it lands later. */
    public Schedule create(String owner, ScheduleDefinition definition, String linkBase, boolean paused) {
        Schedule schedule = Schedule.created(UUID.randomUUID().toString(), owner, definition, linkBase, paused, now());
        try {
            repository.create(schedule);
        } catch (RuntimeException e) {
            lateWrites.removeLater("schedule " + schedule.id(), () -> repository.delete(schedule.id()));
            throw e;
        }
        return schedule;
    }

    public Optional<Schedule> find(String id) {
        return repository.find(id).map(ScheduleRepository.Stored::schedule);
    }

    /** Every schedule, oldest first. */
    public List<Schedule> all() {
        return repository.all().stream().map(ScheduleRepository.Stored::schedule)
                .sorted(java.util.Comparator.comparing(Schedule::createdTime).thenComparing(Schedule::id)).toList();
    }

    /** Applies a change, again on a concurrent write; the change returns its argument to leave it as it is. */
    public Optional<Change> update(String id, UnaryOperator<Schedule> change) {
        while (true) {
            Optional<ScheduleRepository.Stored> stored = repository.find(id);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            Schedule before = stored.get().schedule();
            Schedule after = change.apply(before);
            if (after == before || repository.replace(stored.get(), after)) {
                return Optional.of(new Change(before, after));
            }
        }
    }

    public boolean delete(String id) {
        return repository.delete(id);
    }

    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
