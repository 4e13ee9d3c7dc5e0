package io.asynctablequery.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Job ids: random UUIDs of version 4 in their usual text form, none repeated across threads. */
class JobIdsTest {

    @Test
    void idsAreVersionFourUuidsAndNeverRepeat() {
        int count = 200_000;
        Set<String> ids = ConcurrentHashMap.newKeySet();
        IntStream.range(0, count).parallel().forEach(i -> {
            String id = JobIds.next();
            UUID parsed = UUID.fromString(id);
            assertEquals(4, parsed.version(), id);
            assertEquals(2, parsed.variant(), id);
            assertEquals(parsed.toString(), id, "canonical lower-case form");
            ids.add(id);
        });
        assertEquals(count, ids.size());
    }
}
