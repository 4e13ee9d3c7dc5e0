package io.asynctablequery.summaries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DaySummaryFormatTest {

    private static final String KEY = "audit/q0123456789abcdef";
    private static final LocalDate DAY = LocalDate.of(2021, 3, 4);

    @Test
    void everyTypeOfValueComesBackEqualAndTextAndNumberStayApart() throws Exception {
        Set<Object> values = new HashSet<>(List.of("7", 7, 7L, 7.5d, true, "line\nbreak\\ and \r return", "",
                UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"), OffsetDateTime.parse("2021-03-04T05:06:07.123Z"),
                "ünïcødé"));

        DaySummary read = DaySummaryFormat.decode(encode(values, 20, 2), KEY, DAY);

        assertEquals(values, new HashSet<>(read.values()));
        assertEquals(values.size(), read.values().size());
        assertEquals(20, read.entitiesScanned());
        assertEquals(2, read.entitiesSkipped());
    }

    @Test
    void theSameValuesInAnyOrderGiveTheSameBytes() {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            values.add("ID" + i);
        }
        byte[] first = encode(new HashSet<>(values), 600, 0);
        java.util.Collections.reverse(values);
        assertArrayEquals(first, DaySummaryFormat.encode(KEY, DAY, 600, 0, values).orElseThrow());
    }

    @Test
    void aTruncatedOrAlteredBlobIsRefusedNotHalfRead() {
        Set<Object> values = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            values.add("ID" + i * 7919 % 100003);
        }
        byte[] whole = encode(values, 2500, 10);
        for (int cut : new int[] {0, 5, whole.length / 2, whole.length - 1}) {
            assertThrows(UnreadableSummaryException.class,
                    () -> DaySummaryFormat.decode(Arrays.copyOf(whole, cut), KEY, DAY), "cut at " + cut);
        }
        assertThrows(UnreadableSummaryException.class,
                () -> DaySummaryFormat.decode("not a summary".getBytes(StandardCharsets.UTF_8), KEY, DAY));
        byte[] flipped = whole.clone();
        flipped[whole.length / 2] ^= 0x40;
        assertThrows(UnreadableSummaryException.class, () -> DaySummaryFormat.decode(flipped, KEY, DAY));
    }

    @Test
    void anotherDayOrQueryIsRefused() {
        byte[] blob = encode(Set.of("A"), 1, 0);
        assertThrows(UnreadableSummaryException.class, () -> DaySummaryFormat.decode(blob, KEY, DAY.plusDays(1)));
        assertThrows(UnreadableSummaryException.class, () -> DaySummaryFormat.decode(blob, "audit/qother", DAY));
    }

    @Test
    void aBinaryValueIsNotKept() {
        assertTrue(DaySummaryFormat.encode(KEY, DAY, 1, 0, List.of(new byte[] {1, 2})).isEmpty());
    }

    private static byte[] encode(Set<Object> values, long scanned, long skipped) {
        return DaySummaryFormat.encode(KEY, DAY, scanned, skipped, values).orElseThrow();
    }
}
