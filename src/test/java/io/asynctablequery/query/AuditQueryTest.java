package io.asynctablequery.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import io.asynctablequery.jobs.JobError;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.AuditRows;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The table-query bean on its own, against the real Azurite. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditQueryTest {

    /** No job checkpoint: every day is read from the table. */
    private static final SummarisedDays.ForScan NO_CHECKPOINT = Checkpoints.NONE.open("none", null);

    /** The app's pool is made by Camel's ExecutorServiceManager; the bean alone takes any pool. */
    private static final ExecutorService SCAN_THREADS = Executors.newCachedThreadPool();

    private static final String TABLE = "auditquerybean";
    private static final String BIG_DAY = "2023-06-01";
    private static final int BIG_DAY_ROWS = 2500;
    private final Azurite azurite = Azurite.shared();
    private final AuditRows rows = new AuditRows();
    private TableServiceClient service;

    @BeforeAll
    void seed() {
        service = new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        for (int i = 0; i < BIG_DAY_ROWS; i++) {
            rows.add(BIG_DAY, "C", "BIG" + (i % 1700));
        }
        for (LocalDate day = LocalDate.of(2023, 6, 2); day.isBefore(LocalDate.of(2023, 7, 1)); day = day.plusDays(1)) {
            for (int i = 0; i < 25; i++) {
                rows.add(day.toString(), i % 9 == 0 ? "" : "C", i % 11 == 0 ? null : "ID" + (day.getDayOfMonth() * i) % 97);
            }
        }
        rows.insertInto(service, TABLE);
    }

    private AuditQuery query(int parallelism) {
        return new AuditQuery(service, TABLE, AuditRows.COUNTED, AuditRows.REQUIRED,
                new ScanLimits(16, parallelism, 7, Duration.ofSeconds(10)), SummarisedDays.NONE, SCAN_THREADS);
    }

    private static DayRange june() {
        return new DayRange(LocalDate.of(2023, 6, 1), LocalDate.of(2023, 6, 30));
    }

    @Test
    void theCountIsTheSameAtAnyParallelism() {
        long expected = rows.expectedCount("2023-06-01", "2023-06-30");
        for (int parallelism : new int[] {1, 3, 16}) {
            List<Progress> reports = new ArrayList<>();
            ScanResult result = query(parallelism).countDistinct(june(), false, Instant.now().plusSeconds(60),
                    listener(() -> false, reports), NO_CHECKPOINT);

            assertEquals(expected, result.distinctCount(), "parallelism " + parallelism);
            assertFalse(result.stopped());
            assertEquals(30, result.progress().partitionsDone());
            assertEquals(rows.expectedSkipped("2023-06-01", "2023-06-30"), result.progress().entitiesSkipped());
            assertEquals(30, reports.stream().mapToInt(Progress::partitionsDone).max().orElse(0),
                    "progress reaches every day partition");
            assertTrue(reports.size() > 1, "progress is reported as slices finish");
        }
    }

    @Test
    void aStopIsHonouredWithinOnePageOfResults() {
        AtomicInteger checks = new AtomicInteger();
        DayRange bigDayOnly = new DayRange(LocalDate.parse(BIG_DAY), LocalDate.parse(BIG_DAY));

        // The first check lets the scan start; every later one (after each page) says stop.
        ScanResult result = query(1).countDistinct(bigDayOnly, false, Instant.now().plusSeconds(60),
                listener(() -> checks.incrementAndGet() > 1, new ArrayList<>()), NO_CHECKPOINT);

        assertTrue(result.stopped());
        long scanned = result.progress().entitiesScanned();
        assertTrue(scanned > 0 && scanned <= 1000, "one page at most, scanned " + scanned);
        assertTrue(scanned < BIG_DAY_ROWS);
        assertEquals(0, result.progress().partitionsDone());
    }

    @Test
    void aScanStillRunningAtItsDeadlineFailsWithTimeout() {
        ScanFailedException failure;
        try (Azurite.Paused frozen = azurite.pause()) {
            failure = assertThrows(ScanFailedException.class, () -> query(2).countDistinct(june(), false,
                    Instant.now().plusMillis(300), listener(() -> false, new ArrayList<>()), NO_CHECKPOINT));
        }
        assertEquals(JobError.TIMEOUT, failure.code());
    }

    private static ScanListener listener(java.util.function.BooleanSupplier stop, List<Progress> reports) {
        return new ScanListener() {
            @Override
            public boolean shouldStop() {
                return stop.getAsBoolean();
            }

            @Override
            public synchronized void onProgress(Progress progress) {
                reports.add(progress);
            }
        };
    }
}
