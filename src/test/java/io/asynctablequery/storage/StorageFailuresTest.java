package io.asynctablequery.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.FaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Azure's "try again" answers as the scan meets them: a page of a listing that storage answers
 * {@code 503 ServerBusy} is a passing failure with the code {@code ServerBusy} (the one that halves a job's
 * lanes), whatever type the SDK's pager wraps it in.
 */
class StorageFailuresTest {

    private final Azurite azurite = Azurite.shared();
    private final FaultProxy proxy = FaultProxy.to(azurite.tablePort());

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void aListingPageAnsweredServerBusyIsPassingAndNamedServerBusy() {
        new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .createTableIfNotExists("failures");
        TableClient table = new TableServiceClientBuilder()
                .connectionString(azurite.connectionString(proxy.port(), azurite.queuePort()))
                .retryOptions(new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(0))).buildClient()
                .getTableClient("failures");
        proxy.serverBusy(1);

        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> table.listEntities().iterableByPage().iterator().next());

        assertTrue(StorageFailures.isTransient(failure), failure.toString());
        assertEquals("ServerBusy", StorageFailures.code(failure), failure.getClass().getName());
        assertEquals(1, proxy.serverBusyAnswered());
    }

    @Test
    void noTokenFromTheCredentialIsPassingAndItsReasonHoldsNoToken() {
        RuntimeException failure = new RuntimeException(new ClientAuthenticationException(
                "Managed Identity authentication failed", null, new IllegalStateException(
                        "[Managed Identity] Error Message: refused eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln\n"
                                + "Use this Correlation ID for further investigation.")));

        assertTrue(StorageFailures.isTransient(failure));
        assertEquals(StorageFailures.NO_TOKEN, StorageFailures.code(failure));
        assertEquals("[Managed Identity] Error Message: refused (token)", StorageFailures.noTokenReason(failure));
        assertEquals(null, StorageFailures.noTokenReason(new IllegalStateException("not the credential's")));
    }
}
