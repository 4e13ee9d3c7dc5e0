package io.asynctablequery.schedules;

import java.util.List;
import java.util.Optional;

/** Where schedules are kept: in the job table (every instance sees them) or in memory (lost at a restart). */
public interface ScheduleRepository {

    /** A schedule as read, with the version a replace must still find. */
    record Stored(Schedule schedule, String version) {
    }

    /** Every schedule, whoever owns it. */
    List<Stored> all();

    Optional<Stored> find(String id);

    void create(Schedule schedule);

    /** Writes {@code after} if the schedule is still the version read; false when another write came first. */
    boolean replace(Stored before, Schedule after);

    /** False when there was none. */
    boolean delete(String id);
}
