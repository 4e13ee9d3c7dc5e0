package io.asynctablequery.query;

import java.util.function.LongSupplier;

/**
 * How many slices of one job are read at once, found while the job runs, as TCP finds its window: the job
 * starts with half its lanes; after each round (as many slices finished as there are lanes) it doubles the
 * lanes while that raised its entity rate by at least {@link #GAIN}, and goes back to the last count that paid
 * when it did not. The first round is not measured: it holds the scan's start (connections, first pages),
 * which would make any second round look faster.
 *
 * <p>A {@code 503 ServerBusy} halves the lanes, and the search starts again from there, so that the lanes grow
 * back when the account has room again (other jobs ended). What happened before a halving says nothing about
 * the count after it: a 503 to a page asked before the last halving does not halve again, and slices started
 * before it are not counted in the rounds after it.
 */
final class Lanes {

    /** The rise of the entity rate that pays for doubling the lanes. */
    static final double GAIN = 1.1;

    private final int max;
    private final LongSupplier nanoTime;
    private int lanes;
    private int lastPaying;
    private double lastRate; // 0: no round measured at lastPaying yet
    private boolean growing;
    private boolean warmingUp = true;
    private long lastHalving;
    private long roundStart;
    private long roundEntities;
    private int roundSlices;

    Lanes(int max) {
        this(max, System::nanoTime);
    }

    Lanes(int max, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.max = Math.max(1, max);
        this.lanes = Math.max(1, this.max / 2);
        this.lastPaying = lanes;
        this.growing = lanes < this.max;
        this.lastHalving = nanoTime.getAsLong();
        newRound(lastHalving);
    }

    /** The clock the times given to {@link #sliceDone} and {@link #serverBusy} are read from. */
    long now() {
        return nanoTime.getAsLong();
    }

    synchronized int count() {
        return lanes;
    }

    /**
     * A slice is read; returns the lanes wanted from now on.
     *
     * @param startedAt when the slice's first page was asked ({@link #now()})
     */
    synchronized int sliceDone(long entities, long startedAt) {
        if (startedAt - lastHalving < 0) {
            return lanes; // read at the count before the last halving
        }
        roundEntities += entities;
        if (++roundSlices < lanes) {
            return lanes;
        }
        long now = nanoTime.getAsLong();
        if (warmingUp) {
            warmingUp = false;
        } else if (growing) {
            double rate = roundEntities / Math.max(1e-9, (now - roundStart) / 1e9);
            if (lastRate == 0 || rate >= lastRate * GAIN) {
                lastRate = rate;
                lastPaying = lanes;
                lanes = Math.min(max, lanes * 2);
                growing = lanes > lastPaying;
            } else {
                lanes = lastPaying;
                growing = false;
            }
        }
        newRound(now);
        return lanes;
    }

    /**
     * Storage said it is past its limits: half the lanes, and the search for more starts again.
     *
     * @param askedAt when the refused page was asked ({@link #now()})
     */
    synchronized void serverBusy(long askedAt) {
        if (askedAt - lastHalving < 0) {
            return; // asked at the count before the last halving: nothing new
        }
        lanes = Math.max(1, lanes / 2);
        lastPaying = lanes;
        lastRate = 0;
        growing = lanes < max;
        lastHalving = nanoTime.getAsLong();
        newRound(lastHalving);
    }

    private void newRound(long now) {
        roundStart = now;
        roundEntities = 0;
        roundSlices = 0;
    }
}
