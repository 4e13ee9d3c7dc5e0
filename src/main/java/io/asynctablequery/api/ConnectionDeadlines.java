package io.asynctablequery.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The deadlines of one HTTP connection (SPEC §18), first in its Netty pipeline, on its event loop. While no request
 * is in progress one deadline runs: {@code api.request-head-timeout} from the connection's start or from the first
 * bytes of its next request, by which the request's head must be complete (else {@code 408} and closed), or
 * {@code api.idle-timeout} from the end of the last response while the client sends nothing (then closed). From the
 * moment Vert.x has the whole head ({@link #requestBegun}) until the response is written ({@link #responseEnded})
 * none runs: a held wait, an event stream, a slow body within the size limit and a slow reader go on.
 */
final class ConnectionDeadlines extends ChannelInboundHandlerAdapter {

    static final String NAME = "connection-deadlines";
    /** Tag values of {@code audit_http_connections_closed_total{reason}}. */
    static final String REQUEST_HEAD = "request-head";
    static final String IDLE = "idle";

    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final long headTimeoutNanos;
    private final long idleTimeoutNanos;
    private final Consumer<String> closed;
    private ChannelHandlerContext context;
    private ScheduledFuture<?> deadline;
    private boolean inRequest;
    private boolean awaitingHead;

    /** @param closed told the reason of each connection these deadlines close */
    ConnectionDeadlines(Duration headTimeout, Duration idleTimeout, Consumer<String> closed) {
        this.headTimeoutNanos = headTimeout.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.closed = closed;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        awaitHead();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!inRequest && !awaitingHead) {
            awaitHead(); // the first bytes of the next request on a kept-alive connection
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /** Vert.x has the request's whole head: no deadline until its response is written. */
    void requestBegun() {
        onEventLoop(() -> {
            inRequest = true;
            awaitingHead = false;
            cancel();
        });
    }

    /**
     * The connection turns to HTTP/2 ({@code h2c}): its bytes are frames now, not request heads, and requests run on
     * it side by side; these deadlines, HTTP/1.1's, leave it.
     */
    void leave() {
        onEventLoop(() -> {
            inRequest = true;
            cancel();
            if (context.pipeline().get(NAME) == this) {
                context.pipeline().remove(this);
            }
        });
    }

    /** The response is written: the connection is idle until the client sends again. */
    void responseEnded() {
        onEventLoop(() -> {
            inRequest = false;
            awaitingHead = false;
            schedule(idleTimeoutNanos, IDLE);
        });
    }

    private void awaitHead() {
        awaitingHead = true;
        schedule(headTimeoutNanos, REQUEST_HEAD);
    }

    private void schedule(long nanos, String reason) {
        cancel();
        deadline = context.executor().schedule(() -> expire(reason), nanos, TimeUnit.NANOSECONDS);
    }

    private void expire(String reason) {
        deadline = null;
        if (inRequest || !context.channel().isActive()) {
            return;
        }
        closed.accept(reason);
        if (REQUEST_HEAD.equals(reason)) {
            // no response has begun on this connection: a 408 can still be written, straight to the socket
            context.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
        } else {
            context.close();
        }
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void onEventLoop(Runnable change) {
        if (context.executor().inEventLoop()) {
            change.run();
        } else {
            context.executor().execute(change);
        }
    }
}
