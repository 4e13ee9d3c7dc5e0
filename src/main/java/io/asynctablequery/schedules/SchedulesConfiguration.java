package io.asynctablequery.schedules;

import com.azure.data.tables.TableServiceClient;
import io.asynctablequery.jobs.JobModes;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.jobs.Shutdown;
import io.asynctablequery.observability.MetricsRegistry;
import io.asynctablequery.settings.ConfigurationException;
import io.asynctablequery.settings.Settings;
import io.asynctablequery.storage.LateWrites;
import io.asynctablequery.threads.ThreadPools;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Schedules (SPEC §17): where they are kept (the job table with {@code jobs.store=table}, else memory), the
 * {@code schedules} store and the {@code scheduler} that the ticking route ({@code schedules.camel.yaml}) calls every
 * {@code schedules.tick} (handed to the route as {@code schedules.tick-millis}: the timer takes milliseconds).
 */
public class SchedulesConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        Registry registry = context.getRegistry();
        Duration tick = settings.duration("schedules.tick");
        if (tick.toMillis() < 1) {
            throw new ConfigurationException("schedules.tick must be at least a millisecond, not " + tick);
        }
        if (settings.duration("schedules.min-interval").toMillis() < 1) {
            throw new ConfigurationException("schedules.min-interval must be at least a millisecond");
        }
        context.getPropertiesComponent().addOverrideProperty("schedules.tick-millis", String.valueOf(tick.toMillis()));
        ScheduleRepository repository = JobModes.from(settings).sharedStore()
                ? new TableScheduleRepository(registry.lookupByNameAndType("tableServiceClient",
                        TableServiceClient.class), settings.text("jobs.table-name"),
                        settings.duration("api.storage-timeout"))
                : new MemoryScheduleRepository();
        Schedules schedules = new Schedules(repository, Clock.systemUTC(),
                new LateWrites(ThreadPools.of(context).scheduled(Schedules.class, "schedule-cleanup")));
        registry.bind("schedules", schedules);
        registry.bind("scheduler", new Scheduler(schedules, registry.lookupByNameAndType("jobStore", JobStore.class),
                registry.lookupByNameAndType("instanceShutdown", Shutdown.class), MetricsRegistry.of(registry)));
    }
}
