package io.asynctablequery.observability;

import ch.qos.logback.core.PropertyDefinerBase;
import io.asynctablequery.jobs.InstanceName;

/**
 * Gives logback this process's instance name ({@code logback.xml}: {@code INSTANCE}), so that every JSON log line
 * names the instance as the job histories and the state lines do.
 */
public class InstanceNameProperty extends PropertyDefinerBase {

    @Override
    public String getPropertyValue() {
        return InstanceName.NAME;
    }
}
