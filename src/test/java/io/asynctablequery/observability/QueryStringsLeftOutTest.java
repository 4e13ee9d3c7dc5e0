package io.asynctablequery.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import org.junit.jupiter.api.Test;

/** No span attribute goes out with a URL's query string, where an API key ({@code code=}) or a secret may be. */
class QueryStringsLeftOutTest {

    @Test
    void textsAreCutAtTheirQueryAndQueryAttributesLeftOut() {
        String key = "the-key-of-a-caller";
        Attributes attributes = Attributes.builder()
                .put("http.url", "http://localhost:8080/api/status/1?code=" + key)
                .put("url.query", "code=" + key)
                .put("http.status_code", 202L)
                .put("job.id", "1")
                .build();

        Attributes sent = QueryStringsLeftOut.withoutQueries(attributes);

        assertEquals("http://localhost:8080/api/status/1", sent.get(AttributeKey.stringKey("http.url")));
        assertEquals(202L, sent.get(AttributeKey.longKey("http.status_code")));
        assertEquals("1", sent.get(AttributeKey.stringKey("job.id")));
        assertEquals(3, sent.size());
        assertFalse(sent.toString().contains(key));
        assertTrue(QueryStringsLeftOut.hasQuery(attributes));
        assertFalse(QueryStringsLeftOut.hasQuery(sent), "a span without a query goes on as it is");
    }
}
