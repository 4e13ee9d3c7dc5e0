package io.asynctablequery.observability;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.DefaultMainHttpServerFactory;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.apache.camel.main.MainListenerSupport;

/**
 * Where health and metrics are served (SPEC §8): on Camel's management server, {@code camel.management.port},
 * when {@code camel.management.enabled} is true, so a deployment keeps them off the public port; otherwise
 * on the API port: the same management server is then started on {@code camel.server.port}, where it shares
 * the API's server (as Camel does when the two ports are set equal). Registered with
 * {@code camel.main.main-listener-classes}; runs after Camel Main has read its properties.
 */
public class ManagementPort extends MainListenerSupport implements CamelContextAware {

    private CamelContext camelContext;

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        HttpManagementServerConfigurationProperties management = main.configure().httpManagementServer();
        if (management.isEnabled()) {
            return; // Camel Main has set it up on its own port
        }
        CamelContext context = main.getCamelContext() != null ? main.getCamelContext() : camelContext;
        management.setEnabled(true);
        management.setPort(main.configure().httpServer().getPort());
        String metricsPath = main.configure().metrics().getPath();
        try {
            context.addService(new DefaultMainHttpServerFactory().newHttpManagementServer(context, management));
            // Camel's Prometheus service joins a management server that is up when it starts; this one starts
            // after it, so the scrape is put on the shared router once everything is up.
            context.addStartupListener(new StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                    serveMetrics(started, metricsPath);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("Health and metrics could not be set up on the API port", e);
        }
    }

    private static void serveMetrics(CamelContext context, String path) {
        PrometheusMeterRegistry registry = context.getRegistry().findSingleByType(PrometheusMeterRegistry.class);
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (registry == null || server == null || server.getRouter() == null) {
            return;
        }
        server.getRouter().route(path).method(HttpMethod.GET).order(0).handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape()));
    }
}
