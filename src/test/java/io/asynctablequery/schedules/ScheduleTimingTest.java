package io.asynctablequery.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * When occurrences fall (SPEC §17): a cron in Europe/Berlin across both daylight-saving changes of a year, computed
 * from the zone's own rules (the transitions are looked up, not written in): a time the spring change skips runs
 * once, at the first instant after the gap; a time the autumn change repeats runs once, at the first. {@code every}:
 * whole multiples of the interval after the creation.
 */
class ScheduleTimingTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final LocalTime HALF_PAST_TWO = LocalTime.of(2, 30);

    private final ZoneOffsetTransition spring = BERLIN.getRules().nextTransition(Instant.parse("2026-01-01T00:00:00Z"));
    private final ZoneOffsetTransition autumn = BERLIN.getRules().nextTransition(spring.getInstant());

    @Test
    void aDailyTimeInTheSpringGapRunsOnceAtTheGapsEnd() {
        assertTrue(spring.isGap());
        LocalDate day = spring.getDateTimeBefore().toLocalDate();
        assertTrue(spring.getDateTimeBefore().toLocalTime().isBefore(HALF_PAST_TWO)
                && spring.getDateTimeAfter().toLocalTime().isAfter(HALF_PAST_TWO), "02:30 lies in the gap");

        List<Instant> next = ScheduleTiming.cron("30 2 * * *", BERLIN)
                .next(day.minusDays(1).atStartOfDay(BERLIN).toInstant(), 3);

        assertEquals(List.of(day.minusDays(1).atTime(HALF_PAST_TWO).atZone(BERLIN).toInstant(), spring.getInstant(),
                day.plusDays(1).atTime(HALF_PAST_TWO).atZone(BERLIN).toInstant()), next);
    }

    @Test
    void aDailyTimeTheAutumnChangeRepeatsRunsOnceAtTheFirst() {
        assertTrue(autumn.isOverlap());
        LocalDate day = autumn.getDateTimeAfter().toLocalDate();
        LocalDateTime twice = day.atTime(HALF_PAST_TWO);
        Instant first = twice.atOffset(autumn.getOffsetBefore()).toInstant();
        Instant second = twice.atOffset(autumn.getOffsetAfter()).toInstant();
        assertNotEquals(first, second);

        List<Instant> next = ScheduleTiming.cron("30 2 * * *", BERLIN)
                .next(day.minusDays(1).atStartOfDay(BERLIN).toInstant(), 3);

        assertEquals(List.of(day.minusDays(1).atTime(HALF_PAST_TWO).atZone(BERLIN).toInstant(), first,
                day.plusDays(1).atTime(HALF_PAST_TWO).atZone(BERLIN).toInstant()), next);
        assertFalse(next.contains(second));
    }

    @Test
    void everyHalfHourAcrossBothChangesIsOnePerWallClockTimeInOrder() {
        for (ZoneOffsetTransition change : List.of(spring, autumn)) {
            Instant from = change.getInstant().minus(Duration.ofHours(3));
            List<Instant> next = ScheduleTiming.cron("*/30 * * * *", BERLIN).next(from, 10);
            Set<LocalDateTime> wallTimes = new HashSet<>();
            for (int i = 0; i < next.size(); i++) {
                assertTrue(i == 0 || next.get(i).isAfter(next.get(i - 1)), next.toString());
                assertTrue(wallTimes.add(LocalDateTime.ofInstant(next.get(i), BERLIN)), "a wall-clock time twice: "
                        + next);
            }
        }
        // spring: 02:00 and 02:30 do not exist; the first instant after the gap (03:00) runs once
        List<Instant> acrossGap = ScheduleTiming.cron("*/30 * * * *", BERLIN)
                .next(spring.getInstant().minus(Duration.ofMinutes(45)), 3);
        assertEquals(List.of(spring.getInstant().minus(Duration.ofMinutes(30)), spring.getInstant(),
                spring.getInstant().plus(Duration.ofMinutes(30))), acrossGap);
    }

    @Test
    void everyFallsOnWholeMultiplesAfterTheCreation() {
        Instant created = Instant.parse("2026-05-01T10:00:00.123Z");
        ScheduleTiming timing = ScheduleTiming.every(Duration.ofMinutes(5), created);
        assertEquals(created.plus(Duration.ofMinutes(5)), timing.next(created));
        assertEquals(created.plus(Duration.ofMinutes(5)), timing.next(created.minusSeconds(3600)));
        assertEquals(created.plus(Duration.ofMinutes(15)), timing.next(created.plus(Duration.ofMinutes(10))));

        ScheduleTiming.Due due = timing.due(created.plus(Duration.ofMinutes(5)), created.plus(Duration.ofMinutes(23)));
        assertEquals(created.plus(Duration.ofMinutes(20)), due.latest());
        assertEquals(2, due.earlier(), "10 and 15 minutes came before the latest");
        assertNull(timing.due(created, created.plus(Duration.ofMinutes(4))).latest());
    }

    @Test
    void aCronsDueOccurrencesAreCountedAsEvery() {
        Instant from = Instant.parse("2026-05-01T10:00:00Z");
        ScheduleTiming.Due due = ScheduleTiming.cron("*/10 * * * *", ZoneId.of("UTC"))
                .due(from, from.plus(Duration.ofMinutes(65)));
        assertEquals(from.plus(Duration.ofMinutes(60)), due.latest());
        assertEquals(5, due.earlier());
    }

    @Test
    void aRunsJobIdIsTheSameForTheSameOccurrenceOnly() {
        Instant occurrence = Instant.parse("2026-05-01T06:00:00Z");
        assertEquals(Scheduler.jobId("a", occurrence), Scheduler.jobId("a", occurrence));
        assertNotEquals(Scheduler.jobId("a", occurrence), Scheduler.jobId("a", occurrence.plusMillis(1)));
        assertNotEquals(Scheduler.jobId("a", occurrence), Scheduler.jobId("b", occurrence));
        assertTrue(Scheduler.jobId("a", occurrence).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    }
}
