package io.asynctablequery.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Requests that no route takes (unknown path, wrong method) or that the HTTP layer refuses (a form field
 * too large to read) would get Vert.x's own bare answers; these last-in-order handlers make them RFC 9457
 * problems too, with {@code Allow} on a 405 computed from the routes' own paths and methods.
 */
public final class RouterProblems {

    private RouterProblems() {
    }

    /** Installs the handlers on every platform-http router (one per server port). */
    public static void install(CamelContext context) {
        context.getRegistry().findByType(VertxPlatformHttpRouter.class).forEach(RouterProblems::install);
    }

    private static void install(Router router) {
        // Last in order: reached only when no route took the request.
        router.route().order(Integer.MAX_VALUE).handler(ctx -> {
            Set<String> allowed = allowedMethods(router, ctx.normalizedPath());
            if (allowed.isEmpty()) {
                answer(ctx, 404, "No resource at " + ctx.normalizedPath() + ".", null);
            } else {
                answer(ctx, 405, "Method " + ctx.request().method() + " is not allowed on " + ctx.normalizedPath()
                        + "; use " + String.join(", ", allowed) + ".", String.join(", ", allowed));
            }
        });
        // Failures of the HTTP layer itself, e.g. a form field larger than the server reads.
        router.route().order(Integer.MAX_VALUE).failureHandler(ctx -> {
            int status = ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 500;
            answer(ctx, status, status == 500 ? "Internal server error."
                    : "The request could not be read (a parameter may be too large).", null);
        });
    }

    private static Set<String> allowedMethods(Router router, String path) {
        Set<String> methods = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            String pattern = route.getPath() == null ? null : route.getPath().replaceAll(":[^/]+", "[^/]+");
            if (pattern != null && path != null && path.matches(pattern) && route.methods() != null) {
                route.methods().forEach(method -> methods.add(method.name()));
            }
        }
        return methods;
    }

    private static void answer(RoutingContext ctx, int status, String detail, String allow) {
        if (ctx.response().headWritten()) {
            return;
        }
        try {
            byte[] body = HttpResponses.JSON.writeValueAsBytes(Problem.of(status, detail));
            ctx.response().setStatusCode(status).putHeader("Content-Type", HttpResponses.PROBLEM_JSON);
            if (allow != null) {
                ctx.response().putHeader("Allow", allow);
            }
            ctx.response().end(io.vertx.core.buffer.Buffer.buffer(body));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(status).end();
        }
    }
}
