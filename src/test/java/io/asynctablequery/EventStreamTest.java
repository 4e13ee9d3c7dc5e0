package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.StorageFaultTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.EventStreamClient;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The event stream of a job ({@code Accept: text/event-stream}), read by a real HTTP client as it arrives:
 * the status document at once, again on every change, and the stream closed after the finished state. The
 * scan reads a day per query through a proxy that slows each request, so that it has progress to show.
 */
class EventStreamTest extends StorageFaultTestSupport {

    private static final LocalDate FIRST = LocalDate.of(2022, 5, 1);
    private static final int DAYS = 12;
    private final AuditRows rows = new AuditRows();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("audit.scan-slice-days", "1");
        properties.setProperty("audit.scan-parallelism", "1");
    }

    @BeforeAll
    void seedDays() {
        for (int day = 0; day < DAYS; day++) {
            for (int i = 0; i < 4; i++) {
                rows.add(FIRST.plusDays(day).toString(), "C", "ID" + (day * 3 + i) % 19);
            }
        }
        seed(rows);
    }

    @Test
    void eventsComeInOrderAtEachChangeAndTheStreamClosesAfterTheFinishedState() {
        storage.delay(350);
        String last = FIRST.plusDays(DAYS - 1).toString();
        String id = submit(FIRST.toString(), last);
        EventStreamClient stream = EventStreamClient.open(base() + "/api/status/" + id);
        Wait.until("the first event", Duration.ofSeconds(5), () -> !stream.events().isEmpty());
        assertEquals(200, stream.response().statusCode());
        assertTrue(stream.response().headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));

        stream.awaitClosed(Duration.ofSeconds(60));
        storage.pass();
        List<EventStreamClient.Event> events = stream.events();
        assertTrue(events.stream().allMatch(event -> "status".equals(event.name())));
        JsonNode first = events.get(0).data();
        assertEquals(id, first.get("id").asText());
        assertTrue(List.of("Pending", "Running").contains(first.get("runtimeStatus").asText()));
        JsonNode finished = events.get(events.size() - 1).data();
        assertEquals("Completed", finished.get("runtimeStatus").asText());
        assertEquals(rows.expectedCount(FIRST.toString(), last), finished.get("result").asLong());
        long progressEvents = events.stream().map(event -> event.data().at("/customStatus/partitionsDone").asInt())
                .filter(done -> done > 0 && done < DAYS).distinct().count();
        assertTrue(progressEvents >= 2, "progress events seen: " + progressEvents);
        for (int i = 1; i < events.size(); i++) {
            JsonNode before = events.get(i - 1).data();
            JsonNode after = events.get(i).data();
            assertTrue(after.at("/customStatus/partitionsDone").asInt() >= before.at("/customStatus/partitionsDone")
                    .asInt(), "in order");
            assertTrue(after.get("lastUpdatedTime").asText().compareTo(before.get("lastUpdatedTime").asText()) >= 0);
        }
        assertEquals(1, events.stream().filter(event -> "Completed".equals(event.data().get("runtimeStatus").asText()))
                .count(), "one finished event, the last");
    }

    @Test
    void aFinishedJobStreamsOneEventAndCloses() {
        storage.pass();
        String id = submit(FIRST.toString(), FIRST.plusDays(1).toString());
        awaitFinished(id);
        EventStreamClient stream = EventStreamClient.open(base() + "/api/status/" + id + "?showInput=false")
                .awaitClosed(Duration.ofSeconds(10));
        assertEquals(1, stream.events().size());
        assertEquals("Completed", stream.events().get(0).data().get("runtimeStatus").asText());
        assertTrue(stream.events().get(0).data().path("input").isMissingNode());
    }

    @Test
    void anUnknownJobIsTheUsualNotFoundProblem() {
        HttpResult unknown = get("/api/status/" + UUID.randomUUID(), "Accept", "text/event-stream");
        assertEquals(404, unknown.status());
        assertEquals("application/problem+json", unknown.contentType());
        assertEquals("Job not found", unknown.json().get("detail").asText());
    }
}
