package io.asynctablequery.api;

import io.asynctablequery.auth.Authentication;
import io.asynctablequery.query.DayRange;
import io.asynctablequery.summaries.SummaryBlobs;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code GET} and {@code DELETE /api/summaries?s=&e=} (SPEC §11): the summarised days of a range, and their
 * removal, so that a day that changed after it settled is read again. An admin's only (under {@code api-key}
 * and {@code entra-id}); the dates are checked as a submit's. Refused requests change nothing.
 */
public class SummaryApi {

    /** A summarised day, as listed. */
    public record Day(String day, long distinct, long entitiesScanned, long entitiesSkipped, String summarisedTime) {
    }

    private final DateRanges ranges;
    private final SummaryBlobs blobs;

    /** @param blobs null when summaries are off */
    public SummaryApi(DateRanges ranges, SummaryBlobs blobs) {
        this.ranges = ranges;
        this.blobs = blobs;
    }

    public void list(Exchange exchange) {
        DayRange range = range(exchange);
        List<Day> days = blobs.list(range).values().stream()
                .map(day -> new Day(day.day().toString(), day.distinct(), day.entitiesScanned(),
                        day.entitiesSkipped(), JobDocuments.time(day.summarisedTime())))
                .toList();
        HttpResponses.write(exchange, 200, Map.of(), days);
    }

    public void delete(Exchange exchange) {
        blobs.delete(range(exchange));
        HttpResponses.write(exchange, 204, Map.of(), null);
    }

    private DayRange range(Exchange exchange) {
        if (!Authentication.caller(exchange).admin()) {
            throw new ApiException(403, "Only an admin may read or remove per-day summaries.");
        }
        if (blobs == null) {
            throw new ApiException(404, "Per-day summaries are off (audit.summaries=false).");
        }
        Message in = exchange.getIn();
        return ranges.parse(in.getHeader("s"), in.getHeader("e"));
    }
}
