package io.asynctablequery.summaries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SummaryCacheTest {

    @Test
    void aBlobIsTakenOnlyAtTheETagItWasKeptAtQuotedOrNot() {
        SummaryCache cache = new SummaryCache(1000);
        byte[] content = {1, 2, 3};
        cache.put("a", "\"0x8D1\"", content);

        assertArrayEquals(content, cache.get("a", "0x8D1"));
        assertArrayEquals(content, cache.get("a", "\"0x8D1\""));
        assertNull(cache.get("a", "0x8D2"), "written again since");
        assertNull(cache.get("b", "0x8D1"));
        cache.remove("a");
        assertNull(cache.get("a", "0x8D1"));
    }

    @Test
    void theLeastRecentlyUsedGoFirstPastTheBudget() {
        SummaryCache cache = new SummaryCache(10);
        cache.put("a", "1", new byte[4]);
        cache.put("b", "1", new byte[4]);
        cache.get("a", "1"); // a used after b
        cache.put("c", "1", new byte[4]);

        assertNull(cache.get("b", "1"));
        assertArrayEquals(new byte[4], cache.get("a", "1"));
        assertArrayEquals(new byte[4], cache.get("c", "1"));
        cache.put("huge", "1", new byte[11]);
        assertNull(cache.get("huge", "1"), "larger than the whole budget: not kept");
    }
}
