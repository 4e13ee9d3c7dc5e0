package io.asynctablequery.summaries;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The content of a summary blob: gzip-compressed UTF-8 text, a header naming the summaries' key, the day and
 * its counts, then the day's distinct values one per line, sorted, then {@code end}:
 * <pre>
 * async-table-query day summary 1
 * key=audit/q1a2b3c4d5e6f7a8b
 * day=2021-01-01
 * entitiesScanned=1200
 * entitiesSkipped=3
 * distinct=950
 * sAB123
 * ...
 * end
 * </pre>
 * Each value line starts with its type as the table service gave it ({@code s} text, {@code i} Int32,
 * {@code l} Int64, {@code d} Double, {@code b} Boolean, {@code g} Guid, {@code t} DateTime), so that the text
 * {@code "7"} and the number {@code 7} stay two values, as in a scan. Sorted lines make the content of a day the
 * same whoever writes it, and compress well (neighbours share their prefix). A reader checks every part: a
 * truncated or altered blob is refused, never half read.
 */
public final class DaySummaryFormat {

    private static final String FIRST_LINE = "async-table-query day summary 1";
    private static final String LAST_LINE = "end";

    private DaySummaryFormat() {
    }

    /** The blob's bytes; empty when a value has a type a summary cannot hold (binary): the day is not kept. */
    public static Optional<byte[]> encode(String key, LocalDate day, long scanned, long skipped,
                                          Collection<Object> values) {
        List<String> lines = new ArrayList<>(values.size());
        for (Object value : values) {
            String line = encodeValue(value);
            if (line == null) {
                return Optional.empty();
            }
            lines.add(line);
        }
        lines.sort(null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + values.size() * 4);
        try (Writer out = new OutputStreamWriter(new GZIPOutputStream(bytes), StandardCharsets.UTF_8)) {
            out.write(FIRST_LINE + "\nkey=" + key + "\nday=" + day + "\nentitiesScanned=" + scanned
                    + "\nentitiesSkipped=" + skipped + "\ndistinct=" + lines.size() + "\n");
            for (String line : lines) {
                out.write(line);
                out.write('\n');
            }
            out.write(LAST_LINE + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: does not happen
        }
        return Optional.of(bytes.toByteArray());
    }

    /**
     * Reads a blob written by {@link #encode}.
     *
     * @throws UnreadableSummaryException when it is not whole, not a summary, or not of this key and day
     */
    static DaySummary decode(byte[] blob, String key, LocalDate day) throws UnreadableSummaryException {
        DaySummary summary = decode(blob, key);
        if (!summary.day().equals(day)) {
            throw new UnreadableSummaryException("not the summary of " + day);
        }
        return summary;
    }

    /**
     * Reads content written by {@link #encode}, of any day.
     *
     * @throws UnreadableSummaryException when it is not whole, not a summary, or not of this key
     */
    public static DaySummary decode(byte[] blob, String key) throws UnreadableSummaryException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(new ByteArrayInputStream(blob)), StandardCharsets.UTF_8.newDecoder()))) {
            expect(in, FIRST_LINE);
            expect(in, "key=" + key);
            String dayLine = line(in);
            if (!dayLine.startsWith("day=")) {
                throw new UnreadableSummaryException("no day=");
            }
            LocalDate day = LocalDate.parse(dayLine.substring("day=".length()));
            long scanned = number(in, "entitiesScanned=");
            long skipped = number(in, "entitiesSkipped=");
            long distinct = number(in, "distinct=");
            if (distinct > scanned - skipped) {
                throw new UnreadableSummaryException("more distinct values than entities with one");
            }
            List<Object> values = new ArrayList<>((int) Math.min(distinct, 1 << 20));
            for (long i = 0; i < distinct; i++) {
                values.add(decodeValue(line(in)));
            }
            expect(in, LAST_LINE);
            if (in.read() != -1) {
                throw new UnreadableSummaryException("content after its end");
            }
            return new DaySummary(day, scanned, skipped, values);
        } catch (IOException | RuntimeException e) {
            throw new UnreadableSummaryException("not a whole summary (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static String encodeValue(Object value) {
        if (value instanceof String text) {
            return "s" + text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
        }
        String type = value instanceof Integer ? "i" : value instanceof Long ? "l" : value instanceof Double ? "d"
                : value instanceof Boolean ? "b" : value instanceof UUID ? "g" : value instanceof OffsetDateTime ? "t"
                : null;
        return type == null ? null : type + value;
    }

    private static Object decodeValue(String line) throws UnreadableSummaryException {
        if (line.isEmpty()) {
            throw new UnreadableSummaryException("an empty value line");
        }
        String text = line.substring(1);
        return switch (line.charAt(0)) {
            case 's' -> unescape(text);
            case 'i' -> Integer.valueOf(text);
            case 'l' -> Long.valueOf(text);
            case 'd' -> Double.valueOf(text);
            case 'b' -> booleanOf(text);
            case 'g' -> UUID.fromString(text);
            case 't' -> OffsetDateTime.parse(text);
            default -> throw new UnreadableSummaryException("a value of unknown type");
        };
    }

    private static Boolean booleanOf(String text) throws UnreadableSummaryException {
        if (!"true".equals(text) && !"false".equals(text)) {
            throw new UnreadableSummaryException("a boolean that is neither true nor false");
        }
        return Boolean.valueOf(text);
    }

    private static String unescape(String text) throws UnreadableSummaryException {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i == text.length()) {
                throw new UnreadableSummaryException("a value ending in an escape");
            }
            switch (text.charAt(i)) {
                case '\\' -> out.append('\\');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                default -> throw new UnreadableSummaryException("an unknown escape");
            }
        }
        return out.toString();
    }

    private static void expect(BufferedReader in, String expected) throws IOException, UnreadableSummaryException {
        if (!expected.equals(line(in))) {
            throw new UnreadableSummaryException("not the line '" + expected + "'");
        }
    }

    private static long number(BufferedReader in, String prefix) throws IOException, UnreadableSummaryException {
        String line = line(in);
        if (!line.startsWith(prefix)) {
            throw new UnreadableSummaryException("no " + prefix);
        }
        long value = Long.parseLong(line.substring(prefix.length()));
        if (value < 0) {
            throw new UnreadableSummaryException("a negative " + prefix);
        }
        return value;
    }

    private static String line(BufferedReader in) throws IOException, UnreadableSummaryException {
        String line = in.readLine();
        if (line == null) {
            throw new UnreadableSummaryException("it ends too soon");
        }
        return line;
    }
}
