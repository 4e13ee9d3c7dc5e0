package io.asynctablequery.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import org.junit.jupiter.api.Test;

/** The job's attributes reach Application Insights (it leaves out {@code job.*}) as {@code audit.job.*}. */
class JobDimensionsTest {

    @Test
    void eachJobAttributeIsCopiedUnderAuditWithItsType() {
        Attributes attributes = Attributes.builder().put("job.id", "42").put("job.result", 7L)
                .put("job.stopped", true).put("http.route", "/api/submit/query").build();

        Attributes sent = JobDimensions.withCopies(attributes);

        assertEquals("42", sent.get(AttributeKey.stringKey("audit.job.id")));
        assertEquals(7L, sent.get(AttributeKey.longKey("audit.job.result")));
        assertEquals(true, sent.get(AttributeKey.booleanKey("audit.job.stopped")));
        assertEquals("42", sent.get(AttributeKey.stringKey("job.id")), "the original stays");
        assertEquals(attributes.size() + 3, sent.size());
        assertTrue(JobDimensions.hasJob(attributes));
        assertFalse(JobDimensions.hasJob(Attributes.builder().put("http.route", "/api/status/{id}").build()));
    }
}
