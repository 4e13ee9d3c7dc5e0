package io.asynctablequery.observability;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A readiness check of Camel's health-check API (SPEC §8) for one part of storage: UP when its probe found
 * it answering within {@code api.storage-timeout}, DOWN with the reason otherwise. Liveness does not
 * include it: a storage outage is no reason to restart the instance.
 */
public class StorageHealthCheck extends AbstractHealthCheck {

    private final StorageProbes probes;

    public StorageHealthCheck(String name, StorageProbes probes) {
        super("storage", name);
        this.probes = probes;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        StorageProbes.Outcome outcome = probes.check(getId());
        builder.message(outcome.message());
        if (outcome.up()) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
