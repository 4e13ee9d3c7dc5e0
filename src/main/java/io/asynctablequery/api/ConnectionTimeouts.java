package io.asynctablequery.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.TCPServerBase;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Closes the connections of clients that never finish a request, on every HTTP port (the API's and the management
 * server's): {@link ConnectionDeadlines} on each connection, told by a first handler of each router when a request's
 * head is complete and when its response is written. Vert.x's own {@code idleTimeout} would also cut a held wait
 * that sends nothing for longer, and it has no deadline for a request's head; Camel's platform-http creates its
 * servers itself and offers no hook to their connections. So the deadlines go on each connection as it is accepted:
 * a handler on the server's listening channel, which Vert.x keeps internal (two fields read once, at start; a Vert.x
 * that renames them fails the start and the tests, not the requests). They are HTTP/1.1's: a connection that turns to
 * HTTP/2 ({@code h2c}, as Java's own HTTP client asks) is left to HTTP/2's flow control once its first request comes.
 */
public final class ConnectionTimeouts {

    private final Duration headTimeout;
    private final Duration idleTimeout;
    private final Map<String, Counter> closed;

    public ConnectionTimeouts(Duration headTimeout, Duration idleTimeout, MeterRegistry metrics) {
        if (headTimeout.isNegative() || headTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("api.request-head-timeout and api.idle-timeout must be positive");
        }
        this.headTimeout = headTimeout;
        this.idleTimeout = idleTimeout;
        this.closed = Map.of(
                ConnectionDeadlines.REQUEST_HEAD, counter(metrics, ConnectionDeadlines.REQUEST_HEAD),
                ConnectionDeadlines.IDLE, counter(metrics, ConnectionDeadlines.IDLE));
    }

    private static Counter counter(MeterRegistry metrics, String reason) {
        return Counter.builder("audit.http.connections.closed").tag("reason", reason)
                .description("HTTP connections closed because the request head did not come in time (request-head) "
                        + "or the connection stayed idle (idle)")
                .register(metrics);
    }

    /** Puts the deadlines on every platform-http server and router of the context (once each). */
    public void install(CamelContext context) {
        Set<Object> done = Collections.newSetFromMap(new IdentityHashMap<>());
        for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            if (done.add(router)) {
                router.route().order(Integer.MIN_VALUE).handler(ConnectionTimeouts::trackRequest);
            }
            HttpServer server = router.getServer().getServer();
            if (server != null && done.add(server)) {
                listeningChannel(server).pipeline().addFirst(new Acceptor());
            }
        }
    }

    private static void trackRequest(RoutingContext request) {
        if (request.request().connection() instanceof ConnectionBase connection
                && connection.channel().pipeline().get(ConnectionDeadlines.NAME) instanceof ConnectionDeadlines deadlines) {
            HttpServerRequest http = request.request();
            if (http.version() == HttpVersion.HTTP_2 || "h2c".equalsIgnoreCase(http.getHeader("Upgrade"))) {
                deadlines.leave();
            } else {
                deadlines.requestBegun();
                request.addEndHandler(ended -> deadlines.responseEnded());
            }
        }
        request.next();
    }

    /** The server's listening socket: Vert.x binds it once per port (the actual server), kept in a future. */
    @SuppressWarnings("unchecked")
    private static Channel listeningChannel(HttpServer server) {
        try {
            Field actual = TCPServerBase.class.getDeclaredField("actualServer");
            actual.setAccessible(true);
            Field bound = TCPServerBase.class.getDeclaredField("bindFuture");
            bound.setAccessible(true);
            Object actualServer = actual.get(server);
            Channel channel = ((Future<Channel>) bound.get(actualServer == null ? server : actualServer)).result();
            if (channel == null) {
                throw new IllegalStateException("the HTTP server is not listening");
            }
            return channel;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot put connection deadlines on the HTTP server: " + e, e);
        }
    }

    /** On the listening channel: each accepted connection gets its deadlines before Vert.x sets it up. */
    @ChannelHandler.Sharable
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object accepted) {
            if (accepted instanceof Channel connection) {
                connection.pipeline().addFirst(ConnectionDeadlines.NAME, new ConnectionDeadlines(headTimeout,
                        idleTimeout, reason -> closed.get(reason).increment()));
            }
            ctx.fireChannelRead(accepted);
        }
    }
}
