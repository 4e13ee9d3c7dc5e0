package io.asynctablequery.storage;

import io.asynctablequery.settings.Settings;
import io.asynctablequery.threads.ThreadPools;
import java.time.Duration;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * Storage (SPEC §12), wired first: the clients' factory ({@code storageClients}, from the credential settings),
 * the table client that requests use ({@code tableServiceClient}: each try within {@code api.storage-timeout},
 * {@code azure.storage.max-retries} retries), the call with a deadline ({@code storageDeadline}), and the set-up
 * ({@code storageSetup}) to which each capability adds what it needs created, run as the context starts.
 */
public class StorageConfiguration implements CamelConfiguration {

    /** How often what could not be created at start is tried again. */
    private static final Duration SETUP_RETRY = Duration.ofSeconds(5);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = Settings.of(context);
        StorageClients clients = new StorageClients(settings);
        Duration storageTimeout = settings.duration("api.storage-timeout");
        context.getRegistry().bind("storageClients", clients);
        context.getRegistry().bind("tableServiceClient",
                clients.tables(storageTimeout, settings.number("azure.storage.max-retries", 0)));
        StorageDeadline deadline = new StorageDeadline(
                ThreadPools.of(context).cached(StorageDeadline.class, "storage-deadline"));
        context.getRegistry().bind("storageDeadline", deadline);
        StorageSetup setup = new StorageSetup(clients.credentialType(), deadline, storageTimeout, SETUP_RETRY);
        context.getRegistry().bind("storageSetup", setup);
        context.addStartupListener(setup);
    }
}
