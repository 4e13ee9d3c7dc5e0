package io.asynctablequery.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The lanes of one job, on a clock the test moves: a first round not measured, doubling while it pays, back
 * when not, halving on 503, and growing again after it, counting only what was asked after the halving.
 */
class LanesTest {

    private final AtomicLong now = new AtomicLong();

    /** Finishes a round of {@code lanes} slices of {@code entitiesEach}, started now, that took {@code millis} in all. */
    private int round(Lanes lanes, long entitiesEach, long millis) {
        long started = now.get();
        int count = lanes.count();
        int wanted = count;
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        for (int i = 0; i < count; i++) {
            wanted = lanes.sliceDone(entitiesEach, started);
        }
        return wanted;
    }

    private void later() {
        now.addAndGet(1);
    }

    @Test
    void startsWithHalfAndDoublesWhileTheRateGrows() {
        Lanes lanes = new Lanes(16, now::get);
        assertEquals(8, lanes.count());
        assertEquals(8, round(lanes, 1000, 5000)); // the scan's start: not measured, however slow
        assertEquals(16, round(lanes, 1000, 500)); // 16,000 entities/s at 8: try more
        assertEquals(16, round(lanes, 1000, 800)); // 20,000/s: 1.25x paid, kept
        assertEquals(16, round(lanes, 1000, 400)); // no more growing at the maximum
    }

    @Test
    void aSlowStartDoesNotMakeDoublingLookAsIfItPaid() {
        Lanes lanes = new Lanes(16, now::get);
        round(lanes, 1000, 5000); // the start: 1,600/s, which any later round would beat
        assertEquals(16, round(lanes, 1000, 500)); // 16,000/s at 8
        double samePace = 16 * 1000 / 16_000.0 * 1000; // 16 slices at the same rate: doubling did not pay
        assertEquals(8, round(lanes, 1000, (long) samePace));
    }

    @Test
    void goesBackWhenDoublingDidNotPay() {
        Lanes lanes = new Lanes(16, now::get);
        round(lanes, 1000, 500);
        assertEquals(16, round(lanes, 1000, 500)); // 8 lanes: 16,000/s
        double samePace = 16 * 1000 / 16_000.0 * 1000 / Lanes.GAIN * 1.05; // 16 slices, rate up by less than GAIN
        assertEquals(8, round(lanes, 1000, (long) samePace));
        assertEquals(8, round(lanes, 1000, 100)); // and stays there
    }

    @Test
    void aBurstOfServerBusyHalvesOnceForThePagesAskedBeforeIt() {
        Lanes lanes = new Lanes(16, now::get);
        long askedBefore = now.get();
        later();
        lanes.serverBusy(askedBefore);
        lanes.serverBusy(askedBefore); // the other lanes' pages, asked at 8 lanes too
        assertEquals(4, lanes.count());
        later();
        lanes.serverBusy(now.get()); // a page asked at 4 lanes
        assertEquals(2, lanes.count());
    }

    @Test
    void slicesStartedBeforeAHalvingAreNotCountedAfterIt() {
        Lanes lanes = new Lanes(16, now::get);
        round(lanes, 1000, 500);
        long startedBefore = now.get();
        later();
        lanes.serverBusy(now.get());
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
        for (int i = 0; i < 8; i++) {
            assertEquals(4, lanes.sliceDone(1000, startedBefore)); // would have made a round at 4, very fast
        }
        assertEquals(8, round(lanes, 1000, 500)); // the first round after the halving: 8,000/s, try more
    }

    @Test
    void growsAgainAfterServerBusyWhenTheAccountHasRoom() {
        Lanes lanes = new Lanes(16, now::get);
        round(lanes, 1000, 500);
        assertEquals(16, round(lanes, 1000, 500));
        later();
        lanes.serverBusy(now.get());
        assertEquals(8, lanes.count());
        assertEquals(16, round(lanes, 1000, 500)); // 16,000/s at 8: try more again
        assertEquals(16, round(lanes, 1000, 600)); // 26,700/s: the account had room, kept
    }

    @Test
    void oneLaneWhenOneIsAllowed() {
        Lanes lanes = new Lanes(1, now::get);
        assertEquals(1, lanes.count());
        assertEquals(1, round(lanes, 1000, 10));
        later();
        lanes.serverBusy(now.get());
        assertEquals(1, round(lanes, 1000, 10));
    }
}
