package io.asynctablequery.summaries;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The summary blobs this instance read or wrote lately, as their bytes (compressed: a day of a thousand values is a
 * few kilobytes), each under its name and ETag. A blob is taken from here only when the listing shows it with the
 * same ETag, which changes whenever the blob is written again; so a range asked again on the same instance costs
 * one listing, and what it returns is what storage holds. Least recently used first out, past {@code maxBytes}.
 */
final class SummaryCache {

    private record Entry(String etag, byte[] content) {
    }

    private final long maxBytes;
    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    SummaryCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The content of blob {@code name} as it is at {@code etag}; null when not kept. */
    synchronized byte[] get(String name, String etag) {
        Entry entry = entries.get(name);
        return entry != null && entry.etag().equals(unquoted(etag)) ? entry.content() : null;
    }

    synchronized void put(String name, String etag, byte[] content) {
        if (etag == null || content.length > maxBytes) {
            return;
        }
        Entry old = entries.put(name, new Entry(unquoted(etag), content));
        bytes += content.length - (old == null ? 0 : old.content().length);
        for (Iterator<Entry> oldest = entries.values().iterator(); bytes > maxBytes && oldest.hasNext(); ) {
            bytes -= oldest.next().content().length;
            oldest.remove();
        }
    }

    /** A listing gives an ETag bare, a response header in quotes. */
    private static String unquoted(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }

    synchronized void remove(String name) {
        Entry old = entries.remove(name);
        bytes -= old == null ? 0 : old.content().length;
    }
}
