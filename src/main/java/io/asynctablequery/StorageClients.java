package io.asynctablequery;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import java.time.Duration;

/**
 * The Azure Storage clients for tables and queues alike, from one connection string
 * ({@code azure.storage.credential-type=connection-string}) or from the account name with
 * {@code DefaultAzureCredential} (managed identity in Azure, developer logins elsewhere). Transient errors
 * are retried by the SDK's own retry policy with exponential back-off.
 */
final class StorageClients {

    private final Settings settings;
    private final String credentialType;

    StorageClients(Settings settings) {
        this.settings = settings;
        this.credentialType = settings.oneOf("azure.storage.credential-type", "connection-string",
                "default-azure-credential");
    }

    TableServiceClient tables() {
        TableServiceClientBuilder builder = new TableServiceClientBuilder().retryOptions(retries());
        if (usesConnectionString()) {
            return builder.connectionString(settings.text("azure.storage.connection-string")).buildClient();
        }
        return builder.endpoint("https://" + account() + ".table.core.windows.net")
                .credential(new DefaultAzureCredentialBuilder().build()).buildClient();
    }

    QueueServiceClient queues() {
        QueueServiceClientBuilder builder = new QueueServiceClientBuilder().retryOptions(retries());
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

    private RetryOptions retries() {
        return new RetryOptions(new ExponentialBackoffOptions()
                .setMaxRetries(settings.number("azure.storage.max-retries", 0))
                .setBaseDelay(Duration.ofMillis(500))
                .setMaxDelay(Duration.ofSeconds(8)));
    }
}
