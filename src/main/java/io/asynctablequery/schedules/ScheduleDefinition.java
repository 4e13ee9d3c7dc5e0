package io.asynctablequery.schedules;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.ZoneId;

/**
 * What a schedule's creator says (SPEC §17), checked by the API before it is kept: when it runs (a five-field
 * {@code cron} in {@code timeZone}, or {@code every} ISO duration), the days each run counts, what an occurrence
 * does while the previous run goes on ({@code overlap}), how late a missed occurrence may still run
 * ({@code catchupWindow}), and what each run's job gets ({@code callbackUrl}, {@code fresh}). Kept as this JSON.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleDefinition(String name, String cron, String timeZone, String every, ScheduleRange range,
                                 Overlap overlap, String catchupWindow, String callbackUrl, boolean fresh) {

    public static final Duration DEFAULT_CATCHUP_WINDOW = Duration.ofHours(1);
    /** The shortest catch-up window (Temporal's too): an occurrence looked at a few seconds late still runs. */
    public static final Duration MIN_CATCHUP_WINDOW = Duration.ofSeconds(10);

    @JsonIgnore
    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    @JsonIgnore
    public Duration catchup() {
        return Duration.parse(catchupWindow);
    }

    /** When it runs, counted from the schedule's creation ({@code every}'s occurrences are multiples after it). */
    public ScheduleTiming timing(java.time.Instant createdTime) {
        return cron != null ? ScheduleTiming.cron(cron, zone()) : ScheduleTiming.every(Duration.parse(every), createdTime);
    }
}
