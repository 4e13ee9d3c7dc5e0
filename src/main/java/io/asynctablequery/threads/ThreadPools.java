package io.asynctablequery.threads;

import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.SizedScheduledExecutorService;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

/**
 * The application's own thread pools, made by Camel's {@link ExecutorServiceManager} (named as Camel's threads
 * are, daemons, listed in its JMX and stopped with the context), with the behaviour our beans rely on rather than
 * Camel's defaults: queues without a bound (a thousand held waits each have a timer; a Camel pool's queue holds
 * 1000 and then runs the task on the caller), and a stop that does not wait. When the context stops, after its
 * routes, each pool is shut down: no new task, delayed tasks (wait deadlines, clean-ups) dropped, running ones left
 * to end on their daemon threads, as the process is exiting. Camel's own fail-safe would wait up to 10 s for each.
 */
public final class ThreadPools extends ServiceSupport {

    private static final String NAME = "threadPools";

    private final ExecutorServiceManager manager;
    private final List<ExecutorService> pools = new CopyOnWriteArrayList<>();
    private final Map<ExecutorService, ExecutorService> wrapped = new ConcurrentHashMap<>();
    private volatile boolean carryTraces;

    private ThreadPools(ExecutorServiceManager manager) {
        this.manager = manager;
    }

    /** The context's pools, created and added to its services on first use. */
    public static synchronized ThreadPools of(CamelContext context) {
        ThreadPools pools = context.getRegistry().lookupByNameAndType(NAME, ThreadPools.class);
        if (pools == null) {
            pools = new ThreadPools(context.getExecutorServiceManager());
            context.getRegistry().bind(NAME, pools);
            try {
                context.addService(pools, true, true);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot add the thread pools to the context", e);
            }
        }
        return pools;
    }

    /**
     * With tracing on (SPEC §16): the pools made from now on run each task in the trace context of the code that
     * handed it over (OpenTelemetry's {@code Context.taskWrapping}), so a scan's slices and the storage calls they
     * make are children of their job's span. Scheduled pools (timers) are left as they are.
     */
    public void carryTraces() {
        carryTraces = true;
    }

    /** Threads made as tasks come and kept a minute when idle: for calls each waited for on a thread of its own. */
    public ExecutorService cached(Object owner, String name) {
        return traced(kept(manager.newCachedThreadPool(owner, name)));
    }

    /** {@code threads} threads, tasks beyond them queued without a bound. */
    public ExecutorService fixed(Object owner, String name, int threads) {
        ThreadPoolProfile profile = profile(name, threads);
        profile.setMaxPoolSize(threads);
        profile.setKeepAliveTime(60L);
        profile.setTimeUnit(TimeUnit.SECONDS);
        profile.setAllowCoreThreadTimeOut(true);
        return traced(kept(manager.newThreadPool(owner, name, profile)));
    }

    private ExecutorService traced(ExecutorService pool) {
        if (!carryTraces) {
            return pool;
        }
        ExecutorService carrying = Context.taskWrapping(pool);
        wrapped.put(carrying, pool);
        return carrying;
    }

    /** One thread for timed and periodic tasks, any number of them waiting. */
    public ScheduledExecutorService scheduled(Object owner, String name) {
        ScheduledExecutorService pool = manager.newScheduledThreadPool(owner, name, profile(name, 1));
        ScheduledThreadPoolExecutor executor = pool instanceof SizedScheduledExecutorService sized
                ? sized.getScheduledThreadPoolExecutor() : (ScheduledThreadPoolExecutor) pool;
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return kept(pool);
    }

    private static ThreadPoolProfile profile(String name, int threads) {
        ThreadPoolProfile profile = new ThreadPoolProfile(name);
        profile.setPoolSize(threads);
        profile.setMaxQueueSize(Integer.MAX_VALUE);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        return profile;
    }

    /** Shuts a pool down before the context stops, once its work is done. */
    public void release(ExecutorService pool) {
        ExecutorService made = wrapped.getOrDefault(pool, pool);
        wrapped.remove(pool);
        pools.remove(made);
        manager.shutdown(made);
    }

    private <T extends ExecutorService> T kept(T pool) {
        pools.add(pool);
        return pool;
    }

    @Override
    protected void doStop() {
        pools.forEach(manager::shutdown);
        pools.clear();
    }
}
