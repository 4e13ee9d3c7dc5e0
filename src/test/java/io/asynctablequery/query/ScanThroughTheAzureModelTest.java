package io.asynctablequery.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.AzureModel;
import io.asynctablequery.support.FaultProxy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The scan against a model of Azure's limits (the fault proxy with an {@link AzureModel}, in front of the real
 * Azurite), at rates scaled down so that a few hundred rows take long enough to overlap: the count stays exact
 * when storage answers {@code 503 ServerBusy}, and the instance's bound on slices at once holds across jobs.
 * How fast it is, is the benchmark's business (bench/run.sh), not a test's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScanThroughTheAzureModelTest {

    /** The app's pool is made by Camel's ExecutorServiceManager; the bean alone takes any pool. */
    private static final ExecutorService SCAN_THREADS = Executors.newCachedThreadPool();

    private static final String TABLE = "auditmodel";
    private static final LocalDate FIRST = LocalDate.of(2024, 3, 1);
    private static final int DAYS = 30;
    private final Azurite azurite = Azurite.shared();
    private final AuditRows rows = new AuditRows();
    private FaultProxy proxy;

    @BeforeAll
    void seed() {
        for (int d = 0; d < DAYS; d++) {
            String day = FIRST.plusDays(d).toString();
            for (int i = 0; i < 30; i++) {
                rows.add(day, i % 7 == 0 ? "" : "C", i % 13 == 0 ? null : "ID" + (d * 31 + i) % 211);
            }
        }
        rows.insertInto(new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient(),
                TABLE);
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    private AuditQuery queryThrough(AzureModel model, int concurrency) {
        proxy = FaultProxy.modelling(Azurite.freePort(), azurite.tablePort(), model);
        // As the app builds the scan's client: no retries of the SDK's own, the scan retries a page itself.
        TableServiceClient service = new TableServiceClientBuilder()
                .connectionString(azurite.connectionString(proxy.port(), azurite.queuePort()))
                .retryOptions(new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(0))).buildClient();
        return new AuditQuery(service, TABLE, AuditRows.COUNTED, AuditRows.REQUIRED,
                new ScanLimits(concurrency, 16, 3, Duration.ofSeconds(30)), SummarisedDays.NONE, SCAN_THREADS);
    }

    private static DayRange all() {
        return new DayRange(FIRST, FIRST.plusDays(DAYS - 1));
    }

    private long expected() {
        return rows.expectedCount(FIRST.toString(), FIRST.plusDays(DAYS - 1).toString());
    }

    private static ScanResult scan(AuditQuery query) {
        return query.countDistinct(all(), false, Instant.now().plusSeconds(60), new ScanListener() {
            @Override
            public void onProgress(Progress progress) {
            }

            @Override
            public boolean shouldStop() {
                return false;
            }
        }, Checkpoints.NONE.open("none", all()));
    }

    @Test
    void slicesAreReadSideBySideAndTheCountIsExact() {
        AuditQuery query = queryThrough(new AzureModel(200, 100_000, Duration.ofMillis(2), Duration.ofSeconds(5)), 16);

        ScanResult result = scan(query);

        assertEquals(expected(), result.distinctCount());
        assertEquals(DAYS, result.progress().partitionsDone());
        assertTrue(proxy.mostRequestsInFlight() >= 2, "slices read at once: " + proxy.mostRequestsInFlight());
        assertEquals(0, query.storageRetries());
    }

    @Test
    void serverBusyAnswersCutTheLanesAndTheCountStaysExact() {
        // The account may not fall behind at all: any page asked while another is being served is refused.
        AzureModel model = new AzureModel(1_000, 500, Duration.ofMillis(1), Duration.ZERO);
        AuditQuery query = queryThrough(model, 16);

        ScanResult result = scan(query);

        assertEquals(expected(), result.distinctCount());
        assertEquals(DAYS, result.progress().partitionsDone());
        assertTrue(model.busyAnswers() > 0, "the model answered ServerBusy");
        assertEquals(model.busyAnswers(), query.storageRetries(), "each refused page was asked again");
    }

    @Test
    void jobsTogetherReadNoMoreSlicesAtOnceThanTheInstanceAllows() throws Exception {
        AuditQuery query = queryThrough(new AzureModel(200, 100_000, Duration.ofMillis(2), Duration.ofSeconds(5)), 2);

        CompletableFuture<ScanResult> first = CompletableFuture.supplyAsync(() -> scan(query));
        CompletableFuture<ScanResult> second = CompletableFuture.supplyAsync(() -> scan(query));

        assertEquals(expected(), first.get().distinctCount());
        assertEquals(expected(), second.get().distinctCount());
        assertEquals(2, proxy.mostRequestsInFlight(), "audit.scan-concurrency=2 bounds both jobs together");
    }
}
