package io.asynctablequery;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.util.HttpClientOptions;
import com.azure.core.util.SharedExecutorService;
import com.azure.core.http.policy.RetryOptions;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Azure Storage clients for tables and queues alike, from one connection string
 * ({@code azure.storage.credential-type=connection-string}) or from the account name with
 * {@code DefaultAzureCredential} (managed identity in Azure, developer logins elsewhere). Each client has a
 * per-try timeout (the SDK's HTTP client options) and a number of retries of its own: the clients that answer
 * requests give up within {@code api.storage-timeout}; the scan's client retries nothing itself, because the
 * scan retries a failing page from its continuation token.
 */
final class StorageClients {

    private final Settings settings;
    private final String credentialType;

    StorageClients(Settings settings) {
        keepSdkCallsRunningWhileStopping(settings.number("api.http-worker-threads", 1));
        this.settings = settings;
        this.credentialType = settings.oneOf("azure.storage.credential-type", "connection-string",
                "default-azure-credential");
    }

    /**
     * @param tryTimeout how long one try may take to connect, send and answer
     * @param maxRetries tries after the first, with exponential back-off
     */
    TableServiceClient tables(Duration tryTimeout, int maxRetries) {
        TableServiceClientBuilder builder = new TableServiceClientBuilder().retryOptions(retries(maxRetries))
                .clientOptions(timeouts(tryTimeout));
        if (usesConnectionString()) {
            return builder.connectionString(settings.text("azure.storage.connection-string")).buildClient();
        }
        return builder.endpoint("https://" + account() + ".table.core.windows.net")
                .credential(new DefaultAzureCredentialBuilder().build()).buildClient();
    }

    QueueServiceClient queues(Duration tryTimeout, int maxRetries) {
        QueueServiceClientBuilder builder = new QueueServiceClientBuilder().retryOptions(retries(maxRetries))
                .clientOptions(timeouts(tryTimeout));
        if (usesConnectionString()) {
            return builder.connectionString(settings.text("azure.storage.connection-string")).buildClient();
        }
        return builder.endpoint("https://" + account() + ".queue.core.windows.net")
                .credential(new DefaultAzureCredentialBuilder().build()).buildClient();
    }

    private boolean usesConnectionString() {
        return "connection-string".equals(credentialType);
    }

    private String account() {
        String account = settings.text("azure.storage.account-name").strip();
        if (!account.matches("[a-z0-9]{3,24}")) {
            throw new IllegalStateException("azure.storage.account-name must be a storage account name (3-24 "
                    + "lower-case letters and digits) with azure.storage.credential-type=default-azure-credential");
        }
        return account;
    }

    /**
     * The SDK runs calls that have a timeout on its shared executor, which shuts itself down as soon as the
     * JVM begins to stop; a stopping instance still writes its jobs' hand-back then. So that executor is a
     * pool of ours (daemon threads, one per HTTP worker at most, created as needed), which the SDK leaves alone.
     */
    private static synchronized void keepSdkCallsRunningWhileStopping(int threads) {
        SharedExecutorService shared = SharedExecutorService.getInstance();
        if (!(shared.getExecutorService() instanceof StoragePool)) {
            shared.setExecutorService(new StoragePool(threads));
        }
    }

    private static final class StoragePool extends ScheduledThreadPoolExecutor {
        StoragePool(int threads) {
            super(threads, DaemonThreads.named("storage-call"));
            setKeepAliveTime(1, TimeUnit.MINUTES);
            allowCoreThreadTimeOut(true);
        }
    }

    private static RetryOptions retries(int maxRetries) {
        return new RetryOptions(new ExponentialBackoffOptions()
                .setMaxRetries(maxRetries)
                .setBaseDelay(Duration.ofMillis(200))
                .setMaxDelay(Duration.ofSeconds(8)));
    }

    private static HttpClientOptions timeouts(Duration tryTimeout) {
        return new HttpClientOptions().setConnectTimeout(tryTimeout).setWriteTimeout(tryTimeout)
                .setResponseTimeout(tryTimeout).setReadTimeout(tryTimeout);
    }
}
