package io.asynctablequery.query;

import java.util.function.LongSupplier;

/**
 * How many slices of one job are read at once, found while the job runs, as TCP finds its window: the job
 * starts with half its lanes; after each round (as many slices finished as there are lanes) it doubles the
 * lanes while that raised its entity rate by at least {@link #GAIN}, and goes back to the last count that paid
 * when it did not; a {@code 503 ServerBusy} halves them. Against Azure, whose partitions each serve about
 * 2,000 entities a second, more lanes read more partitions at once until the account's limit. Against
 * Azurite the job was seen to double too: its first round includes the scan's start, so the second looks
 * faster (rounds of 21,000-30,000 entities/s at 16 lanes after 9,700 in the first); 16 lanes were not
 * measured slower there than 8.
 */
final class Lanes {

    /** The rise of the entity rate that pays for doubling the lanes. */
    static final double GAIN = 1.1;

    private final int max;
    private final LongSupplier nanoTime;
    private int lanes;
    private int lastPaying;
    private double lastRate;
    private boolean growing;
    private long roundStart;
    private long roundEntities;
    private int roundSlices;

    Lanes(int max) {
        this(max, System::nanoTime);
    }

    Lanes(int max, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.roundStart = nanoTime.getAsLong();
        this.max = Math.max(1, max);
        this.lanes = Math.max(1, this.max / 2);
        this.lastPaying = lanes;
        this.growing = lanes < this.max;
    }

    synchronized int count() {
        return lanes;
    }

    /** A slice is read; returns the lanes wanted from now on. */
    synchronized int sliceDone(long entities) {
        roundEntities += entities;
        if (++roundSlices < lanes || !growing) {
            return lanes;
        }
        long now = nanoTime.getAsLong();
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
        roundStart = now;
        roundEntities = 0;
        roundSlices = 0;
        return lanes;
    }

    /** Storage said it is past its limits: half the lanes, and no growing again. */
    synchronized void serverBusy() {
        lanes = Math.max(1, lanes / 2);
        growing = false;
    }
}
