package io.asynctablequery.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DayFirstDatesTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "31/12/2021, 2021-12-31",
        "31-12-2021, 2021-12-31",
        "31.12.2021, 2021-12-31",
        "01/02/2021, 2021-02-01",
        "1/2/2021, 2021-02-01",
        "2021-12-31, 2021-12-31",
        "2021-02-01, 2021-02-01",
        "2021/2/1, 2021-02-01",
        "29/02/2024, 2024-02-29",
        "' 05/06/2021 ', 2021-06-05"
    })
    void readsTheDayFirstUnlessTheYearComesFirst(String text, String iso) {
        assertEquals(LocalDate.parse(iso), DayFirstDates.parse(text).orElseThrow());
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {"31/02/2021", "29/02/2021", "00/01/2021", "32/01/2021", "01/13/2021", "2021-02-30",
        "12/31/2021", "31/12/21", "31/12-2021", "2021-12-31T00:00:00Z", "yesterday", "", "2021-01-01' or ''='",
        "01/01/2021 and true", "１２/01/2021"})
    void refusesWhatIsNotADate(String text) {
        assertTrue(DayFirstDates.parse(text).isEmpty(), text);
    }
}
