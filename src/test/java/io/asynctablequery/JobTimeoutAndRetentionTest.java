package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** jobs.timeout fails a job that runs too long; jobs.retention purges finished jobs. */
class JobTimeoutAndRetentionTest extends ApiTestSupport {

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("jobs.timeout", "PT0.5S");
        properties.setProperty("jobs.retention", "PT2S");
        properties.setProperty("jobs.retention-check-interval", "200");
    }

    @BeforeAll
    void createTheTable() {
        tables().createTableIfNotExists(auditTable());
    }

    @Test
    void aJobRunningLongerThanTheTimeoutFailsWithCodeTimeout() {
        JsonNode failed;
        try (Azurite.Paused frozen = azurite.pause()) { // storage hangs: the scan cannot finish in time
            String id = submit("01/01/2021", "31/01/2021");
            failed = awaitFinished(id);
        }
        assertEquals("Failed", failed.get("status").asText());
        assertEquals("Timeout", failed.get("error").get("code").asText());
        assertTrue(failed.get("error").get("message").asText().contains("PT0.5S"));
    }

    @Test
    void finishedJobsArePurgedAfterTheRetention() {
        String id = submit("01/01/1990", "02/01/1990");
        assertEquals("Completed", awaitFinished(id).get("status").asText());

        Wait.until("job " + id + " purged", Duration.ofSeconds(20), () -> get("/api/status/" + id).status() == 404);
    }
}
