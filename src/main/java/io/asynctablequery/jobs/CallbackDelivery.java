package io.asynctablequery.jobs;

import java.time.Instant;

/**
 * How a finished job's webhook delivery went so far, shown in its status document.
 *
 * @param status         {@code Pending} (not delivered yet, retried), {@code Delivered}, or {@code Failed} (given up)
 * @param attempts       deliveries tried
 * @param lastStatusCode the receiver's last HTTP status; null when it gave none (no connection, timeout, refused)
 */
public record CallbackDelivery(String status, int attempts, Integer lastStatusCode, Instant lastAttemptTime) {
    public static final String PENDING = "Pending";
    public static final String DELIVERED = "Delivered";
    public static final String FAILED = "Failed";
}
