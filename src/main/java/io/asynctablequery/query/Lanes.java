package io.asynctablequery.query;

import java.util.function.LongSupplier;

/**
 * How many slices of one job are read at once, found while the job runs, as TCP finds its window: the job
 * starts with half its lanes; after each round (as many slices finished as there are lanes) it doubles the
 * lanes while that raised its entity rate by at least {@link #GAIN}, and goes back to the last count that paid
 * when it did not. A {@code 503 ServerBusy} halves them, once a round (the answers to pages asked before the
 * halving say nothing new), and the search starts again from there: when the account has room again (other
 * jobs ended), the lanes grow back. A round that began with the scan or with a halving is not measured: its
 * time holds the scan's start (connections, first pages) or pages asked at the old count.
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
    private boolean halvedThisRound;
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
        newRound(nanoTime.getAsLong());
    }

    synchronized int count() {
        return lanes;
    }

    /** A slice is read; returns the lanes wanted from now on. */
    synchronized int sliceDone(long entities) {
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

    /** Storage said it is past its limits: half the lanes, once a round, and the search for more starts again. */
    synchronized void serverBusy() {
        if (halvedThisRound) {
            return;
        }
        lanes = Math.max(1, lanes / 2);
        lastPaying = lanes;
        lastRate = 0;
        growing = lanes < max;
        warmingUp = true;
        newRound(nanoTime.getAsLong());
        halvedThisRound = true;
    }

    private void newRound(long now) {
        roundStart = now;
        roundEntities = 0;
        roundSlices = 0;
        halvedThisRound = false;
    }
}
