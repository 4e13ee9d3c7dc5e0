package io.asynctablequery.checkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.asynctablequery.query.DayRange;
import io.asynctablequery.query.SummarisedDays;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The memory store's checkpoints hold a bounded number of values: the oldest job's go first. */
class MemoryCheckpointsTest {

    private static final LocalDate DAY = LocalDate.of(2021, 1, 1);
    private static final DayRange RANGE = new DayRange(DAY, DAY.plusDays(9));

    @Test
    void pastItsRoomTheOldestJobsCheckpointGoesFirst() {
        MemoryCheckpoints checkpoints = new MemoryCheckpoints(10);
        keep(checkpoints, "old", 0, 4);
        keep(checkpoints, "new", 0, 4);
        assertEquals(8, checkpoints.values());

        keep(checkpoints, "new", 1, 4); // 12 would not fit: the old job's checkpoint is dropped

        assertEquals(List.of(), recalled(checkpoints, "old"));
        assertEquals(List.of(DAY, DAY.plusDays(1)), recalled(checkpoints, "new"));
        assertEquals(8, checkpoints.values());
        keep(checkpoints, "new", 2, 4); // its own days fill the room: this day is not kept
        assertEquals(List.of(DAY, DAY.plusDays(1)), recalled(checkpoints, "new"));

        checkpoints.remove("new");
        assertEquals(0, checkpoints.values());
    }

    private static void keep(MemoryCheckpoints checkpoints, String job, int day, int values) {
        Set<Object> kept = new HashSet<>();
        for (int i = 0; i < values; i++) {
            kept.add(job + "-" + day + "-" + i);
        }
        checkpoints.open(job, RANGE).keep(new SummarisedDays.Day(DAY.plusDays(day), values, 0), kept);
    }

    private static List<LocalDate> recalled(MemoryCheckpoints checkpoints, String job) {
        Set<LocalDate> days = ConcurrentHashMap.newKeySet();
        checkpoints.open(job, RANGE).recall(new HashSet<>(), () -> false, day -> true, day -> days.add(day.day()));
        return days.stream().sorted().toList();
    }
}
