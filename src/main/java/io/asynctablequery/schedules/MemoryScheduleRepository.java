package io.asynctablequery.schedules;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The schedules of one process (with {@code jobs.store=memory}): lost when it stops. */
public class MemoryScheduleRepository implements ScheduleRepository {

    private final ConcurrentHashMap<String, Stored> schedules = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();

    @Override
    public List<Stored> all() {
        return List.copyOf(schedules.values());
    }

    @Override
    public Optional<Stored> find(String id) {
        return Optional.ofNullable(id == null ? null : schedules.get(id));
    }

    @Override
    public void create(Schedule schedule) {
        schedules.put(schedule.id(), new Stored(schedule, version()));
    }

    @Override
    public boolean replace(Stored before, Schedule after) {
        return schedules.replace(after.id(), before, new Stored(after, version()));
    }

    @Override
    public boolean delete(String id) {
        return schedules.remove(id) != null;
    }

    private String version() {
        return Long.toString(versions.incrementAndGet());
    }
}
