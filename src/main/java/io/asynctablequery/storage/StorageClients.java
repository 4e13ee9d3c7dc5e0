package io.asynctablequery.storage;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.util.HttpClientOptions;
import com.azure.core.util.SharedExecutorService;
import com.azure.core.http.policy.RetryOptions;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import io.asynctablequery.settings.ConfigurationException;
import io.asynctablequery.settings.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Every Azure Storage client of the instance is built here (SPEC §12), from one of three credentials
 * ({@code azure.storage.credential-type}):
 * <ul>
 *   <li>{@code connection-string}: {@code azure.storage.connection-string} (an account key or SAS; Azurite's
 *       {@code UseDevelopmentStorage=true} when unset);</li>
 *   <li>{@code managed-identity}: the Azure SDK's {@code ManagedIdentityCredential}, a user-assigned identity when
 *       {@code azure.storage.managed-identity-client-id} is set;</li>
 *   <li>{@code default-azure-credential}: the SDK's chain (workload identity on Kubernetes, managed identity,
 *       a developer's {@code az login}).</li>
 * </ul>
 * With an identity, each service is reached at {@code azure.storage.<service>-endpoint}, else at
 * {@code https://<azure.storage.account-name>.<service>.core.windows.net}; one credential serves every client,
 * so one token cache does (the SDK's bearer policy renews a token before it expires). Each client has a
 * per-try timeout (the SDK's HTTP client options) and a number of retries of its own: the clients that answer
 * requests give up within {@code api.storage-timeout}; the scan's client retries nothing itself, because the
 * scan retries a failing page from its continuation token.
 */
public final class StorageClients {

    static final String CONNECTION_STRING = "connection-string";
    static final String MANAGED_IDENTITY = "managed-identity";
    static final String DEFAULT_AZURE_CREDENTIAL = "default-azure-credential";
    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");
    private static final Pattern CLIENT_ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Settings settings;
    private final String credentialType;
    private final String connectionString;
    private final TokenCredential credential;

    public StorageClients(Settings settings) {
        keepSdkCallsRunningWhileStopping(settings.number("api.http-worker-threads", 1));
        this.settings = settings;
        this.credentialType = settings.oneOf("azure.storage.credential-type", CONNECTION_STRING, MANAGED_IDENTITY,
                DEFAULT_AZURE_CREDENTIAL);
        String givenConnectionString = settings.optionalText("azure.storage.connection-string");
        if (CONNECTION_STRING.equals(credentialType)) {
            connectionString = givenConnectionString.isEmpty() ? "UseDevelopmentStorage=true" : givenConnectionString;
            credential = null;
            return;
        }
        if (!givenConnectionString.isEmpty()) {
            throw new ConfigurationException("azure.storage.credential-type=" + credentialType + " takes no "
                    + "azure.storage.connection-string: unset it (no account key or SAS beside an identity)");
        }
        String account = settings.optionalText("azure.storage.account-name");
        if (account.isEmpty() && settings.optionalText("azure.storage.table-endpoint").isEmpty()) {
            throw new ConfigurationException("azure.storage.credential-type=" + credentialType + " needs "
                    + "azure.storage.account-name, or the endpoints azure.storage.table-endpoint, "
                    + "azure.storage.queue-endpoint and azure.storage.blob-endpoint");
        }
        if (!account.isEmpty() && !ACCOUNT.matcher(account).matches()) {
            throw new ConfigurationException("azure.storage.account-name must be a storage account name "
                    + "(3-24 lower-case letters and digits), not '" + account + "'");
        }
        connectionString = null;
        credential = credential(credentialType, settings.optionalText("azure.storage.managed-identity-client-id"));
    }

    /** The identity's credential; empty with a connection string. */
    public Optional<TokenCredential> credential() {
        return Optional.ofNullable(credential);
    }

    /** The credential's name, as readiness and logs name it when it gives no token. */
    public String credentialType() {
        return credentialType;
    }

    /**
     * @param tryTimeout how long one try may take to connect, send and answer
     * @param maxRetries tries after the first, with exponential back-off
     */
    public TableServiceClient tables(Duration tryTimeout, int maxRetries) {
        TableServiceClientBuilder builder = new TableServiceClientBuilder().retryOptions(retries(maxRetries))
                .clientOptions(timeouts(tryTimeout));
        return credential == null ? builder.connectionString(connectionString).buildClient()
                : builder.endpoint(endpoint("table")).credential(credential).buildClient();
    }

    public QueueServiceClient queues(Duration tryTimeout, int maxRetries) {
        QueueServiceClientBuilder builder = new QueueServiceClientBuilder().retryOptions(retries(maxRetries))
                .clientOptions(timeouts(tryTimeout));
        return credential == null ? builder.connectionString(connectionString).buildClient()
                : builder.endpoint(endpoint("queue")).credential(credential).buildClient();
    }

    /** The container of the per-day summaries (SPEC §11). */
    public BlobContainerClient blobContainer(String name, Duration tryTimeout, int maxRetries) {
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder().retryOptions(retries(maxRetries))
                .clientOptions(timeouts(tryTimeout));
        return (credential == null ? builder.connectionString(connectionString)
                : builder.endpoint(endpoint("blob")).credential(credential)).buildClient().getBlobContainerClient(name);
    }

    /** {@code azure.storage.<service>-endpoint}, else the account's endpoint at Azure's public addresses. */
    public String endpoint(String service) {
        String name = "azure.storage." + service + "-endpoint";
        String endpoint = settings.optionalText(name);
        if (endpoint.isEmpty()) {
            String account = settings.optionalText("azure.storage.account-name");
            if (account.isEmpty()) {
                throw new ConfigurationException("azure.storage.credential-type=" + credentialType + " needs " + name
                        + " (or azure.storage.account-name)");
            }
            return "https://" + account + "." + service + ".core.windows.net";
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            uri = null;
        }
        // The SDK sends a token over HTTPS only; a query would be a SAS, which an identity does not need.
        if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new ConfigurationException(name + " must be an https:// URL without a query, such as "
                    + "https://<account>." + service + ".core.windows.net, not '" + endpoint + "'");
        }
        return endpoint;
    }

    private static TokenCredential credential(String type, String clientId) {
        if (!clientId.isEmpty() && !CLIENT_ID.matcher(clientId).matches()) {
            throw new ConfigurationException("azure.storage.managed-identity-client-id must be the client ID (a GUID) "
                    + "of a user-assigned managed identity, not '" + clientId + "'");
        }
        if (MANAGED_IDENTITY.equals(type)) {
            ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
            return (clientId.isEmpty() ? builder : builder.clientId(clientId)).build();
        }
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder();
        return (clientId.isEmpty() ? builder : builder.managedIdentityClientId(clientId)).build();
    }

    /**
     * The SDK runs calls that have a timeout on its shared executor, which shuts itself down as soon as the
     * JVM begins to stop; a stopping instance still writes its jobs' hand-back then. So that executor is a
     * pool of ours (daemon threads, one per HTTP worker at most, created as needed), which the SDK leaves alone.
     * It is the one pool not made by Camel's {@code ExecutorServiceManager}: it is the SDK's, one per JVM, set
     * once, and must outlive any one Camel context.
     */
    private static synchronized void keepSdkCallsRunningWhileStopping(int threads) {
        SharedExecutorService shared = SharedExecutorService.getInstance();
        if (!(shared.getExecutorService() instanceof StoragePool)) {
            shared.setExecutorService(new StoragePool(threads));
        }
    }

    private static final class StoragePool extends ScheduledThreadPoolExecutor {
        StoragePool(int threads) {
            super(threads, new ThreadFactory() {
                private final AtomicInteger number = new AtomicInteger();

                @Override
                public Thread newThread(Runnable task) {
                    Thread thread = new Thread(task, "storage-call-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }
            });
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
