package io.asynctablequery.support;

import org.junit.jupiter.api.AfterAll;

/**
 * An {@link ApiTestSupport} whose application reaches Azurite's tables through a {@link FaultProxy}
 * ({@link #storage}), so that a test can cut, stall, slow or throttle its storage on command.
 */
public abstract class StorageFaultTestSupport extends ApiTestSupport {

    protected final FaultProxy storage = FaultProxy.to(azurite.tablePort());

    @Override
    protected String storageConnectionString() {
        return azurite.connectionString(storage.port(), azurite.queuePort());
    }

    @AfterAll
    void stopProxy() {
        storage.close();
    }
}
