package io.asynctablequery.schedules;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** What a schedule does when an occurrence comes while its previous run has not finished (SPEC §17). */
public enum Overlap {
    /** The occurrence gets no run (counted as skipped). The default. */
    SKIP("skip"),
    /** The scheduler holds one occurrence and starts it when the running one ends; more are skipped. */
    BUFFER_ONE("bufferOne"),
    /** Every occurrence gets its run, whatever still runs. */
    ALLOW_ALL("allowAll");

    private final String text;

    Overlap(String text) {
        this.text = text;
    }

    /** As the API and the stored schedule spell it. */
    @JsonValue
    public String text() {
        return text;
    }

    public static Optional<Overlap> of(String text) {
        return Arrays.stream(values()).filter(overlap -> overlap.text.equals(text)).findFirst();
    }
}
