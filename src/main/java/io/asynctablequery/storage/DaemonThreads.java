package io.asynctablequery.storage;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads of the application's own pools: named, numbered, and daemons (they never hold the JVM up). */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Threads named {@code <name>-1}, {@code <name>-2}, ... */
    public static ThreadFactory named(String name) {
        AtomicInteger number = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
