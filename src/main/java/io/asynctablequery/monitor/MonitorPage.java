package io.asynctablequery.monitor;

import io.asynctablequery.Resources;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The monitor page (SPEC §9): its files (page, style, script, icon), read once from the application's resources ({@code monitor/}),
 * served with a strict Content-Security-Policy (scripts and styles of this origin only, requests to this
 * origin only, no framing) and {@code nosniff}. Only these names are served: a request names a file, never a
 * path.
 */
public class MonitorPage {

    static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "monitor.css", "text/css; charset=utf-8",
            "monitor.js", "text/javascript; charset=utf-8",
            "schedules.js", "text/javascript; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private final Map<String, byte[]> files;

    public MonitorPage() {
        files = TYPES.keySet().stream().collect(Collectors.toUnmodifiableMap(name -> name,
                name -> Resources.bytes("monitor/" + name)));
    }

    /** Answers with the file the header {@code file} names (the page itself when there is none), or 404. */
    public void serve(Exchange exchange) {
        String name = exchange.getMessage().getHeader("file", "index.html", String.class);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        byte[] body = files.get(name);
        if (body == null) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
            message.setBody("Not found");
            return;
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, TYPES.get(name));
        message.setHeader("Content-Security-Policy", SECURITY_POLICY);
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Referrer-Policy", "no-referrer");
        message.setBody(body);
    }
}
