package io.asynctablequery.demo;

import com.azure.data.tables.TableServiceClient;
import io.asynctablequery.settings.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** The quick start's demo data ({@code audit.demo-data}): a few days of audit rows, loaded when the table is empty. */
public class DemoConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        if (settings.flag("audit.demo-data")) {
            new DemoData(context.getRegistry().lookupByNameAndType("tableServiceClient", TableServiceClient.class),
                    settings.text("audit.table-name"), settings.text("audit.distinct-property"),
                    settings.text("audit.required-property")).loadIfEmpty(settings.text("camel.server.port"));
        }
    }
}
