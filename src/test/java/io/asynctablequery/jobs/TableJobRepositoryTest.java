package io.asynctablequery.jobs;

import io.asynctablequery.query.Progress;
import io.asynctablequery.query.DayRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import io.asynctablequery.support.Azurite;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.OptimisticLockingAggregationRepository.OptimisticLockingException;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Azure-Table-backed job repository against the real Azurite. */
class TableJobRepositoryTest {

    private static final DayRange INPUT = new DayRange(LocalDate.of(2021, 1, 1), LocalDate.of(2021, 1, 31));
    private final CamelContext camel = new DefaultCamelContext();
    private final TableServiceClient service = new TableServiceClientBuilder()
            .connectionString(Azurite.shared().connectionString()).buildClient();
    private TableJobRepository repository;
    private JobStore store;

    @BeforeEach
    void freshTable() {
        String table = "jobs" + System.nanoTime();
        service.createTableIfNotExists(table); // the instance's start-up creates it (StorageSetup)
        repository = new TableJobRepository(service, table, Duration.ofSeconds(5));
        store = new JobStore(camel, repository, 1000, Duration.ofHours(1), Clock.systemUTC());
    }

    @Test
    void aJobReadsBackWithEveryField() {
        Job job = submit("key-1", null).orElseThrow().job();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store.update(job.id(), pending -> pending.running(now));
        store.update(job.id(), running -> running.completed(42, new Progress(31, 31, 1000, 7), now));

        Job read = store.find(job.id()).orElseThrow();

        assertEquals(job.id(), read.id());
        assertEquals(INPUT, read.input());
        assertEquals(JobStatus.Completed, read.status());
        assertEquals(42L, read.result());
        assertEquals(new Progress(31, 31, 1000, 7), read.progress());
        assertEquals("key-1", read.idempotencyKey());
        assertEquals(job.createdTime(), read.createdTime());
        assertEquals(now, read.startedTime());
        assertEquals(now, read.lastUpdatedTime());
        Job failed = store.update(submit(null, null).orElseThrow().job().id(),
                j -> j.failed(new JobError("Timeout", "too slow"), now)).orElseThrow().after();
        assertEquals(new JobError("Timeout", "too slow"), store.find(failed.id()).orElseThrow().error());
    }

    @Test
    void aWriteFromAStaleReadIsRefused() {
        Job job = submit(null, null).orElseThrow().job();
        Exchange first = repository.get(camel, job.id());
        Exchange second = repository.get(camel, job.id());
        repository.add(camel, job.id(), first, exchange(job.running(Instant.now())));

        assertThrows(OptimisticLockingException.class,
                () -> repository.add(camel, job.id(), second, exchange(job.terminated("late", Instant.now()))));
        assertEquals(JobStatus.Running, store.find(job.id()).orElseThrow().status());
        assertThrows(OptimisticLockingException.class,
                () -> repository.add(camel, job.id(), null, exchange(job)), "a second create is refused");
    }

    @Test
    void concurrentUpdatesOfOneJobLoseNothing() throws Exception {
        Job job = submit(null, null).orElseThrow().job();
        int writers = 2;
        int updatesEach = 15;
        CyclicBarrier start = new CyclicBarrier(writers);
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            running.add(CompletableFuture.runAsync(() -> {
                await(start);
                for (int i = 0; i < updatesEach; i++) {
                    store.update(job.id(), current -> current.withProgress(new Progress(31,
                            current.progress().partitionsDone() + 1, 0, 0), Instant.now()));
                }
            }));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get();

        assertEquals(writers * updatesEach, store.find(job.id()).orElseThrow().progress().partitionsDone());
    }

    @Test
    void aTerminateRacingACompletionLeavesExactlyOneTerminalState() throws Exception {
        for (int round = 0; round < 5; round++) {
            Job job = submit(null, null).orElseThrow().job();
            store.update(job.id(), pending -> pending.running(Instant.now()));
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<JobStore.Change> complete = CompletableFuture.supplyAsync(() -> {
                await(start);
                return store.update(job.id(), j -> j.status() == JobStatus.Running
                        ? j.completed(5, j.progress(), Instant.now()) : j).orElseThrow();
            });
            CompletableFuture<JobStore.Change> terminate = CompletableFuture.supplyAsync(() -> {
                await(start);
                return store.terminate(job.id(), "stop").orElseThrow();
            });

            boolean completed = complete.get().changed();
            boolean terminated = terminate.get().changed();
            assertTrue(completed ^ terminated, "exactly one of them changed the job");
            Job end = store.find(job.id()).orElseThrow();
            assertEquals(completed ? JobStatus.Completed : JobStatus.Terminated, end.status());
        }
    }

    @Test
    void theListIsNewestFirstWithServerSideFiltersAndTheTableContinuationToken() {
        List<String> newestFirst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            newestFirst.add(0, submit(null, null).orElseThrow().job().id());
            sleepAMillisecond();
        }
        String finished = newestFirst.get(2);
        store.update(finished, j -> j.terminated("x", Instant.now()));

        List<String> listed = new ArrayList<>();
        String token = null;
        do {
            JobPage page = store.list(new JobQuery(JobStatusSets.ALL, null, null, null, null, 2, token));
            page.jobs().forEach(j -> listed.add(j.id()));
            token = page.continuationToken();
        } while (token != null);

        assertEquals(newestFirst, listed);
        assertEquals(List.of(finished), store.list(new JobQuery(JobStatusSets.FINISHED, null, null, null, null, 10, null))
                .jobs().stream().map(Job::id).toList());
        assertEquals(4, repository.unfinished().size());
        Instant before = store.find(newestFirst.get(4)).orElseThrow().createdTime().minusSeconds(1);
        assertEquals(0, store.list(new JobQuery(JobStatusSets.ALL, null, before, null, null, 10, null)).jobs().size());
        assertThrows(InvalidContinuationTokenException.class,
                () -> store.list(new JobQuery(JobStatusSets.ALL, null, null, null, null, 2, "bm90IGEgdG9rZW4")));
    }

    @Test
    void anIdempotencyKeyNamesOneJobUntilItIsPurged() {
        Job job = submit("same", null).orElseThrow().job();
        JobStore.Submission again = submit("same", null).orElseThrow();

        assertEquals(job.id(), again.job().id());
        assertTrue(!again.created());
        store.terminate(job.id(), "done");
        assertEquals(JobStore.PurgeOutcome.PURGED, store.purge(job.id()));
        assertNull(repository.get(camel, job.id()));
        assertTrue(submit("same", null).orElseThrow().created(), "a purged job frees its key");
        assertEquals(Optional.empty(), store.find(job.id()));
    }

    @Test
    void keysAreTheJobIds() {
        Job a = submit(null, null).orElseThrow().job();
        Job b = submit("k", null).orElseThrow().job();

        assertEquals(java.util.Set.of(a.id(), b.id()), repository.getKeys());
        assertEquals(2, repository.countUnfinished());
        assertNotNull(repository.get(camel, a.id()).getProperty(TableJobRepository.ETAG));
        assertNull(repository.get(camel, "not-an-id"));
    }

    private Exchange exchange(Job job) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(job);
        return exchange;
    }

    @Test
    void listingsAndCountsOfOneOwnerAreFilteredServerSideAndKeysAreScopedPerOwner() {
        List<String> alices = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            alices.add(0, submit(null, "alice").orElseThrow().job().id());
            submit(null, "bob'); or ('1'='1").orElseThrow();
            sleepAMillisecond();
        }
        List<String> listed = new ArrayList<>();
        String token = null;
        do {
            JobPage page = store.list(new JobQuery(JobStatusSets.ALL, null, null, "alice", null, 2, token));
            assertEquals(Math.min(2, alices.size() - listed.size()), page.jobs().size(), "full pages of alice's jobs");
            page.jobs().forEach(job -> listed.add(job.id()));
            token = page.continuationToken();
        } while (token != null);
        assertEquals(alices, listed);
        assertEquals(5, store.countUnfinished("alice"));
        assertEquals(5, store.countUnfinished("bob'); or ('1'='1"));

        Job alicesKeyed = submit("same", "alice").orElseThrow().job();
        JobStore.Submission bobsKeyed = submit("same", "bob").orElseThrow();
        assertTrue(bobsKeyed.created());
        assertNotEquals(alicesKeyed.id(), bobsKeyed.job().id());
        assertEquals("alice", store.find(alicesKeyed.id()).orElseThrow().owner());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleepAMillisecond() {
        long start = System.currentTimeMillis();
        while (System.currentTimeMillis() == start) {
            Thread.onSpinWait(); // creation times must differ for the order to be defined
        }
    }

    /** A submit of {@code INPUT} by {@code owner} (null: anonymous) with an idempotency key (or null). */
    private Optional<JobStore.Submission> submit(String idempotencyKey, String owner) {
        return store.submit(new JobRequest(INPUT, false, owner, idempotencyKey, null, null));
    }
}
