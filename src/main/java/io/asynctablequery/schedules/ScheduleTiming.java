package io.asynctablequery.schedules;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;

/**
 * When a schedule's occurrences fall. {@code every}: whole multiples of the interval after the schedule's creation.
 * {@code cron}: five fields (minute, hour, day of month, month, day of week), parsed and stepped by cron-utils over
 * the wall-clock times of the time zone; each wall-clock time becomes one instant: one that a daylight-saving change
 * skips runs at the first instant after the gap, one that happens twice runs once, at the first.
 */
public abstract class ScheduleTiming {

    /** How many occurrences one look steps over at most (a minutely cron over 69 days). */
    static final int MAX_STEPS = 100_000;
    private static final CronParser PARSER =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** The latest occurrence of a span, and how many came before it in the same span. */
    public record Due(Instant latest, int earlier) {
    }

    /** @throws IllegalArgumentException when the expression is not five valid cron fields (its message says why) */
    public static ScheduleTiming cron(String expression, ZoneId zone) {
        return new Cron(ExecutionTime.forCron(PARSER.parse(expression).validate()), zone);
    }

    public static ScheduleTiming every(Duration interval, Instant createdTime) {
        return new Every(interval, createdTime);
    }

    /** The first occurrence strictly after {@code after}; null when there is none. */
    public abstract Instant next(Instant after);

    /** Whether an occurrence falls at that instant (a trigger's time, say, is not one). */
    public boolean isOccurrence(Instant at) {
        return at.equals(next(at.minusMillis(1)));
    }

    /** The next {@code count} occurrences after {@code after}. */
    public List<Instant> next(Instant after, int count) {
        List<Instant> times = new ArrayList<>();
        Instant at = after;
        while (times.size() < count && (at = next(at)) != null) {
            times.add(at);
        }
        return times;
    }

    /**
     * The occurrences after {@code after} up to {@code now} (included): the latest (null: none) and how many came
     * before it. Past {@link #MAX_STEPS} it skips to the last day before now; those it skipped are not counted.
     */
    public Due due(Instant after, Instant now) {
        Instant latest = null;
        long count = 0;
        Instant at = after;
        while (true) {
            Instant following = next(at);
            if (following == null || following.isAfter(now)) {
                break;
            }
            latest = following;
            at = following;
            if (++count == MAX_STEPS && now.minus(Duration.ofDays(1)).isAfter(at)) {
                at = now.minus(Duration.ofDays(1));
            }
        }
        return latest == null ? new Due(null, 0) : new Due(latest, (int) (count - 1));
    }

    private static final class Every extends ScheduleTiming {
        private final Duration interval;
        private final Instant createdTime;

        Every(Duration interval, Instant createdTime) {
            this.interval = interval;
            this.createdTime = createdTime;
        }

        @Override
        public Instant next(Instant after) {
            long k = after.isBefore(createdTime) ? 1
                    : Duration.between(createdTime, after).dividedBy(interval) + 1;
            return createdTime.plus(interval.multipliedBy(k));
        }

        @Override
        public Due due(Instant after, Instant now) {
            Instant latest = now.isBefore(createdTime.plus(interval)) ? null
                    : createdTime.plus(interval.multipliedBy(Duration.between(createdTime, now).dividedBy(interval)));
            if (latest == null || !latest.isAfter(after)) {
                return new Due(null, 0);
            }
            long before = after.isBefore(createdTime) ? 0 : Duration.between(createdTime, after).dividedBy(interval);
            long steps = Duration.between(createdTime, latest).dividedBy(interval) - before;
            return new Due(latest, (int) Math.min(Integer.MAX_VALUE, steps - 1));
        }
    }

    private static final class Cron extends ScheduleTiming {
        private final ExecutionTime execution;
        private final ZoneId zone;

        Cron(ExecutionTime execution, ZoneId zone) {
            this.execution = execution;
            this.zone = zone;
        }

        /** Steps over wall-clock times (as if they were UTC, which has no daylight saving), each made an instant. */
        @Override
        public Instant next(Instant after) {
            ZonedDateTime wall = LocalDateTime.ofInstant(after, zone).atZone(ZoneOffset.UTC);
            for (int step = 0; step < MAX_STEPS; step++) {
                wall = execution.nextExecution(wall).orElse(null);
                if (wall == null) {
                    return null;
                }
                Instant at = instant(wall.toLocalDateTime());
                if (at.isAfter(after)) {
                    return at;
                }
            }
            return null;
        }

        /** A time in a gap: the gap's end; a time that happens twice: the first (the earlier offset). */
        private Instant instant(LocalDateTime local) {
            ZoneOffsetTransition transition = zone.getRules().getTransition(local);
            if (transition != null && transition.isGap()) {
                return transition.getInstant();
            }
            return local.atZone(zone).toInstant();
        }
    }
}
