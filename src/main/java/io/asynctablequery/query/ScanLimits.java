package io.asynctablequery.query;

import java.time.Duration;

/**
 * How hard and how long the scans of an instance may press on storage (SPEC §5).
 *
 * @param concurrency     slices read at once by all scans of the instance ({@code audit.scan-concurrency})
 * @param parallelism     slices read at once by one scan ({@code audit.scan-parallelism})
 * @param sliceDays       days in one slice ({@code audit.scan-slice-days})
 * @param outageTolerance how long one page may keep failing with a passing storage failure
 *                        ({@code jobs.storage-outage-tolerance})
 */
public record ScanLimits(int concurrency, int parallelism, int sliceDays, Duration outageTolerance) {

    public ScanLimits {
        if (concurrency < 1 || parallelism < 1 || sliceDays < 1) {
            throw new IllegalArgumentException(
                    "audit.scan-concurrency, audit.scan-parallelism and audit.scan-slice-days must be at least 1");
        }
    }
}
