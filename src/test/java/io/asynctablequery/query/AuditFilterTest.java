package io.asynctablequery.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditFilterTest {

    private final AuditFilter filter = new AuditFilter("CertNumber");

    @Test
    void theWholeFilterIsTheOriginalOne() {
        assertEquals("PartitionKey ge '2021-01-01' and PartitionKey le '2021-01-31' and CertNumber ne ''",
                filter.whole(LocalDate.of(2021, 1, 1), LocalDate.of(2021, 1, 31)));
    }

    @Test
    void slicesCoverEachDayUpToTheNextAndTheEndDayExactly() {
        List<String> slices = filter.slices(LocalDate.of(2021, 1, 30), LocalDate.of(2021, 2, 1));

        assertEquals(List.of(
                "PartitionKey ge '2021-01-30' and PartitionKey lt '2021-01-31' and CertNumber ne ''",
                "PartitionKey ge '2021-01-31' and PartitionKey lt '2021-02-01' and CertNumber ne ''",
                "PartitionKey eq '2021-02-01' and CertNumber ne ''"), slices);
    }

    @Test
    void aRangeOfOneYearHasADaySliceForEveryDayTheEndIncluded() {
        LocalDate start = LocalDate.of(2024, 1, 1);
        LocalDate end = LocalDate.of(2024, 12, 31); // a leap year: 366 days

        assertEquals(366, filter.slices(start, end).size());
    }

    @Test
    void propertyNamesMustBePlainIdentifiers() {
        assertThrows(IllegalArgumentException.class, () -> new AuditFilter("CertNumber ne '' or true"));
        assertThrows(IllegalArgumentException.class, () -> new AuditFilter(""));
        assertThrows(IllegalArgumentException.class, () -> AuditFilter.checkPropertyName("a'b", "x"));
        assertEquals("identificationNumber", AuditFilter.checkPropertyName("identificationNumber", "x"));
    }

    @Test
    void quotesAreDoubledInsideLiterals() {
        assertEquals("'it''s'", AuditFilter.quote("it's"));
    }
}
