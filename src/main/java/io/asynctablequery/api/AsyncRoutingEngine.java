package io.asynctablequery.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
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
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.MessageHelper;
import org.apache.camel.support.http.HttpUtil;
import org.apache.camel.util.CollectionHelper;

/**
 * platform-http on Vert.x, with each route run by Camel's asynchronous routing engine.
 *
 * <p>Camel 4.17's consumer runs a route with the synchronous {@code Processor.process} on a Vert.x worker
 * thread, so a step that completes later (an {@code AsyncProcessor} such as {@link LongPoll}) keeps that
 * thread blocked until it does. This engine starts the route on a worker thread the same way (its first
 * steps may read storage), but through {@code AsyncProcessor.process(exchange, callback)}: when a step goes
 * asynchronous the thread is free at once, and the response is written when the route's callback fires, on
 * whichever thread ends it. It is bound as {@code platform-http-engine}, the name the component looks up.
 *
 * <p>Requests are read by Camel's consumer code (headers, path and query parameters, body; url-encoded
 * forms as Camel does; no multipart uploads: the API takes none). The response is the exchange's status
 * ({@code CamelHttpResponseCode}), its non-Camel headers and its body (bytes, text or nothing), which is all
 * the routes produce ({@link HttpResponses}); an exchange that failed unhandled is a bare 500.
 */
public class AsyncRoutingEngine extends VertxPlatformHttpEngine {

    private final int apiPort;

    /**
     * @param apiPort {@code camel.server.port}: the API's server, whose router the routes join (Camel's engine
     *                finds it only while it is the one server; the management server is a second one)
     */
    public AsyncRoutingEngine(int apiPort) {
        this.apiPort = apiPort;
    }

    @Override
    public int getServerPort() {
        return apiPort > 0 ? apiPort : super.getServerPort();
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new Consumer(endpoint, processor, getHandlers(),
                VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()));
    }

    static final class Consumer extends VertxPlatformHttpConsumer {

        Consumer(PlatformHttpEndpoint endpoint, Processor processor, List<Handler<RoutingContext>> handlers,
                 String routerName) {
            super(endpoint, processor, handlers, routerName);
        }

        @Override
        protected void handleRequest(RoutingContext ctx) {
            if (isSuspended()) {
                ctx.response().setStatusCode(503).end();
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
                ctx.vertx().executeBlocking(() -> {
                    createUoW(exchange);
                    getAsyncProcessor().process(exchange, doneSync -> respond(ctx, exchange));
                    return null;
                }, false).onFailure(cause -> fail(ctx, exchange, cause));
            });
        }

        private void respond(RoutingContext ctx, Exchange exchange) {
            HttpServerResponse response = ctx.response();
            if (response.ended() || response.closed()) { // a step answered by itself (a stream), or the client left
                done(exchange);
                return;
            }
            Future<Void> written;
            if (exchange.isFailed()) {
                getExceptionHandler().handleException("Unhandled failure on " + getEndpoint().getPath(), exchange,
                        exchange.getException());
                written = response.setStatusCode(500).end();
            } else {
                Message message = exchange.getMessage();
                Object body = message.getBody();
                response.setStatusCode(HttpUtil.determineResponseCode(exchange, body));
                HeaderFilterStrategy filter = getEndpoint().getHeaderFilterStrategy();
                message.getHeaders().forEach((name, value) -> {
                    if (value != null && (filter == null || !filter.applyFilterToCamelHeaders(name, value, exchange))) {
                        response.putHeader(name, value.toString());
                    }
                });
                String contentType = MessageHelper.getContentType(message); // the filter above leaves it out
                if (body != null && contentType != null) {
                    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
                }
                written = body == null ? response.end()
                        : body instanceof String text ? response.end(text)
                        : response.end(Buffer.buffer(exchange.getContext().getTypeConverter()
                                .convertTo(byte[].class, exchange, body)));
            }
            written.onComplete(result -> done(exchange));
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

        /** A url-encoded form's fields become headers and a Map body, as Camel's own consumer makes them. */
        private void readForm(RoutingContext ctx, Message message) {
            String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT)
                    .startsWith("application/x-www-form-urlencoded")) {
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
