package org.apache.camel.component.platform.http.vertx;

import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.util.CollectionHelper;

/**
 * platform-http on Vert.x, with the route run by Camel's asynchronous routing engine.
 *
 * <p>Camel 4.17's consumer runs each route with the synchronous {@code Processor.process} on a Vert.x worker
 * thread, so a step that completes later (an {@code AsyncProcessor} such as our long poll) keeps that
 * thread blocked until it does. This engine starts the route on a worker thread the same way, but through
 * {@code AsyncProcessor.process(exchange, callback)}: when a step goes asynchronous the worker thread is
 * free at once, and the response is written when the route's callback fires, on whichever thread ends it.
 * Routes whose steps all complete synchronously behave exactly as before.
 *
 * <p>It lives in Camel's package because it reuses Camel's own request reading and response writing
 * ({@link VertxPlatformHttpSupport}, package-private); it is bound as {@code platform-http-engine}, the name
 * the platform-http component looks up. Form bodies (url-encoded) are read as Camel does; multipart uploads
 * are not (the API takes none).
 */
public class AsyncRoutingVertxEngine extends VertxPlatformHttpEngine {

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new Consumer(endpoint, processor, getHandlers(),
                VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()));
    }

    static final class Consumer extends VertxPlatformHttpConsumer {

        Consumer(PlatformHttpEndpoint endpoint, Processor processor,
                 List<io.vertx.core.Handler<RoutingContext>> handlers, String routerName) {
            super(endpoint, processor, handlers, routerName);
        }

        @Override
        protected void handleRequest(RoutingContext ctx) {
            if (isSuspended()) {
                ctx.response().setStatusCode(503);
                ctx.end();
                return;
            }
            Exchange exchange = createExchange(false);
            exchange.setPattern(ExchangePattern.InOut);
            processHttpRequest(exchange, ctx).onComplete(read -> {
                if (read.failed()) {
                    fail(ctx, exchange, read.cause());
                    return;
                }
                if (getEndpoint().isUseBodyHandler()) {
                    readForm(ctx, exchange.getIn());
                }
                // The first steps may block (storage calls), so they start on a worker thread, as in Camel.
                ctx.vertx().executeBlocking(() -> {
                    createUoW(exchange);
                    getAsyncProcessor().process(exchange, doneSync -> respond(ctx, exchange));
                    return null;
                }, false).onFailure(cause -> fail(ctx, exchange, cause));
            });
        }

        private void respond(RoutingContext ctx, Exchange exchange) {
            VertxPlatformHttpSupport.writeResponse(ctx, exchange, getEndpoint().getHeaderFilterStrategy(),
                    getEndpoint().isMuteException()).onComplete(written -> {
                        if (written.failed()) {
                            fail(ctx, exchange, written.cause());
                        } else {
                            done(exchange);
                        }
                    });
        }

        private void fail(RoutingContext ctx, Exchange exchange, Throwable cause) {
            getExceptionHandler().handleException("Failed handling platform-http endpoint "
                    + getEndpoint().getPath(), exchange, cause);
            if (!ctx.response().ended()) {
                ctx.fail(cause);
            }
            done(exchange);
        }

        private void done(Exchange exchange) {
            doneUoW(exchange);
            releaseExchange(exchange, false);
        }

        /** A url-encoded form's fields become headers and a Map body, as Camel's own consumer does. */
        private void readForm(RoutingContext ctx, Message message) {
            if (!VertxPlatformHttpSupport.isFormUrlEncoded(ctx)) {
                return;
            }
            HeaderFilterStrategy filter = getEndpoint().getHeaderFilterStrategy();
            Map<String, Object> body = new LinkedHashMap<>();
            ctx.request().formAttributes().forEach(field -> {
                if (filter == null || !filter.applyFilterToExternalHeaders(field.getKey(), field.getValue(),
                        message.getExchange())) {
                    CollectionHelper.appendEntry(message.getHeaders(), field.getKey(), field.getValue());
                    if (getEndpoint().isPopulateBodyWithForm()) {
                        CollectionHelper.appendEntry(body, field.getKey(), field.getValue());
                    }
                }
            });
            if (!body.isEmpty()) {
                message.setBody(body);
            }
        }
    }
}
