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
    void daySlicesCoverEachDayUpToTheNextAndTheEndDayExactly() {
        List<AuditFilter.Slice> slices = filter.slices(LocalDate.of(2021, 1, 30), LocalDate.of(2021, 2, 1), 1);

        assertEquals(List.of(
                new AuditFilter.Slice("PartitionKey ge '2021-01-30' and PartitionKey lt '2021-01-31' and CertNumber ne ''", 1, LocalDate.of(2021, 1, 30)),
                new AuditFilter.Slice("PartitionKey ge '2021-01-31' and PartitionKey lt '2021-02-01' and CertNumber ne ''", 1, LocalDate.of(2021, 1, 31)),
                new AuditFilter.Slice("PartitionKey ge '2021-02-01' and PartitionKey le '2021-02-01' and CertNumber ne ''", 1, LocalDate.of(2021, 2, 1))),
                slices);
    }

    @Test
    void longerSlicesAreRunsOfWholeDaysAndTheLastEndsOnTheEndDay() {
        List<AuditFilter.Slice> slices = filter.slices(LocalDate.of(2021, 1, 1), LocalDate.of(2021, 1, 17), 7);

        assertEquals(List.of(
                new AuditFilter.Slice("PartitionKey ge '2021-01-01' and PartitionKey lt '2021-01-08' and CertNumber ne ''", 7, LocalDate.of(2021, 1, 1)),
                new AuditFilter.Slice("PartitionKey ge '2021-01-08' and PartitionKey lt '2021-01-15' and CertNumber ne ''", 7, LocalDate.of(2021, 1, 8)),
                new AuditFilter.Slice("PartitionKey ge '2021-01-15' and PartitionKey le '2021-01-17' and CertNumber ne ''", 3, LocalDate.of(2021, 1, 15))),
                slices);
    }

    @Test
    void throughTheLastDayTheLastSliceEndsBeforeTheNextDay() {
        List<AuditFilter.Slice> slices = filter.slices(LocalDate.of(2021, 1, 30), LocalDate.of(2021, 1, 31), 1, true);

        assertEquals("PartitionKey ge '2021-01-31' and PartitionKey lt '2021-02-01' and CertNumber ne ''",
                slices.get(1).filter());
    }

    @Test
    void aYearOfSlicesSpansEveryDayOnce() {
        LocalDate start = LocalDate.of(2024, 1, 1);
        LocalDate end = LocalDate.of(2024, 12, 31); // a leap year: 366 days

        assertEquals(366, filter.slices(start, end, 1).size());
        assertEquals(366, filter.slices(start, end, 7).stream().mapToInt(AuditFilter.Slice::days).sum());
        assertEquals(53, filter.slices(start, end, 7).size());
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
