package io.asynctablequery.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.asynctablequery.query.DayRange;
import io.asynctablequery.query.Progress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A job's own record (SPEC §15): the job timeout counts running time only, and the history keeps 100 events. */
class JobHistoryAndRunTimeTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final JobRequest request = new JobRequest(new DayRange(LocalDate.of(2021, 1, 1), LocalDate.of(2021, 1, 31)),
            false, null, null, null, null);

    @Test
    void theTimeoutCountsRunningTimeOnly() {
        Job running = Job.pending("j", request, T0, null).running(at(10));
        Job suspended = running.suspended("night", at(70)); // ran 60 s
        assertEquals(Duration.ofSeconds(60), suspended.ranUntil(at(5000)), "a suspended job's time stands still");

        Job again = suspended.resumed(null, at(3600)).running(at(3601));
        assertEquals(Duration.ofSeconds(65), again.ranUntil(at(3606)));

        Job handedBack = again.handedBack(at(3611)); // 10 s more
        assertEquals(Duration.ofSeconds(70), handedBack.ranUntil(at(9999)));

        // A worker that died: its run counts up to its last write, not to when another took it over.
        Job third = handedBack.running(at(4000)).withProgress(new Progress(31, 5, 100, 0), at(4005));
        Job takenOver = third.takenOver(at(9000));
        assertEquals(Duration.ofSeconds(75), takenOver.ranUntil(at(9000)));

        Job rewound = takenOver.failed(new JobError(JobError.STORAGE_ERROR, "down"), at(9100)).rewound(null, at(9200));
        assertEquals(Duration.ZERO, rewound.ranUntil(at(9300)), "a rewound job has its whole time again");
        assertEquals(JobStatus.Pending, rewound.status());
        assertNull(rewound.error());
    }

    @Test
    void theHistoryKeepsItsSubmitAndTheLatestEvents() {
        Job job = Job.pending("j", request, T0, null);
        int second = 1;
        for (int i = 0; i < 80; i++) {
            job = job.suspended("s" + i, at(second++)).resumed("r" + i, at(second++));
        }

        List<JobEvent> history = job.history();

        assertEquals(JobEvent.MAX_PER_JOB, history.size());
        assertEquals(JobEvent.Type.Submitted, history.get(0).eventType());
        assertEquals("r79", history.get(99).reason());
        assertEquals(JobEvent.Type.Resumed, history.get(99).eventType());
        assertEquals("r30", history.get(1).reason(), "the oldest after the submit went first");
        assertEquals(InstanceName.NAME, history.get(1).instance());
    }

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }
}
