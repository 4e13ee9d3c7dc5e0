package io.asynctablequery.webhooks;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import io.asynctablequery.jobs.JobModes;
import io.asynctablequery.jobs.JobStore;
import io.asynctablequery.settings.ConfigurationException;
import io.asynctablequery.settings.Settings;
import io.asynctablequery.storage.StorageSetup;
import io.vertx.ext.web.client.WebClientOptions;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Webhooks (SPEC §7), when callbacks may go somewhere ({@code api.callback-allowed-hosts}): the finished-job hook
 * ({@code webhookEvents}, rendering the status document of the API's {@code jobResponses}), the signer, the
 * deliveries (with the storage queue, on a queue of their own, {@code <jobs.queue-name>-webhooks}), and the HTTP
 * clients that deliver: no redirects followed.
 */
public class WebhooksConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        Registry registry = context.getRegistry();
        CallbackPolicy callbacks = registry.lookupByNameAndType("callbackPolicy", CallbackPolicy.class);
        if (!callbacks.allowsAny()) {
            return;
        }
        String secret = settings.optionalText("api.webhook-secret");
        if (secret.isEmpty()) {
            throw new ConfigurationException("api.callback-allowed-hosts is set: api.webhook-secret (whsec_<base64>) "
                    + "must be set too, to sign the webhooks");
        }
        JobStore store = registry.lookupByNameAndType("jobStore", JobStore.class);
        WebhookEvents events = new WebhookEvents(context,
                registry.lookupByNameAndType("jobResponses", StatusDocuments.class));
        store.addListener(events);
        registry.bind("webhookEvents", events);
        QueueClient deliveries = null;
        if (JobModes.from(settings).queue()) { // the job queue's client
            deliveries = registry.lookupByNameAndType("queueServiceClient", QueueServiceClient.class)
                    .getQueueClient(settings.text("jobs.queue-name") + "-webhooks");
            registry.lookupByNameAndType("storageSetup", StorageSetup.class)
                    .add("queue " + deliveries.getQueueName(), deliveries::createIfNotExists);
        }
        registry.bind("webhookDeliveries", new WebhookDeliveries(store, callbacks,
                new WebhookSigner(secret), settings.duration("api.webhook-retry-for"), deliveries));
        registry.bind("webhookClient", new WebClientOptions().setFollowRedirects(false).setMaxRedirects(0));
        registry.bind("webhookTlsClient", new WebClientOptions().setFollowRedirects(false).setMaxRedirects(0)
                .setSsl(true));
    }
}
