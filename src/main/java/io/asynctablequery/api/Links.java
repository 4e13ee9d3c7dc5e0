package io.asynctablequery.api;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Builds the absolute URLs of a job: from {@code api.public-base-url} when set, else from the request's
 * scheme and host. Forwarded headers are honoured only with {@code api.trust-forwarded-headers=true}:
 * trusting them by default would let any caller point the links at any host.
 */
public class Links {

    private static final Pattern HOST = Pattern.compile(
            "([A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\])(:\\d{1,5})?");

    private final String publicBaseUrl;
    private final boolean trustForwardedHeaders;

    public Links(String publicBaseUrl, boolean trustForwardedHeaders) {
        this.publicBaseUrl = publicBaseUrl == null || publicBaseUrl.isBlank() ? null
                : publicBaseUrl.strip().replaceAll("/+$", "");
        this.trustForwardedHeaders = trustForwardedHeaders;
    }

    /** Scheme and authority (no trailing slash) that this request's links start with. */
    public String base(Exchange exchange) {
        if (publicBaseUrl != null) {
            return publicBaseUrl;
        }
        Message in = exchange.getIn();
        String scheme = null;
        String host = null;
        if (trustForwardedHeaders) {
            String forwarded = first(in.getHeader("Forwarded", String.class));
            if (forwarded != null) {
                for (String pair : forwarded.split(";")) {
                    String[] nameValue = pair.strip().split("=", 2);
                    if (nameValue.length == 2) {
                        String value = nameValue[1].strip().replace("\"", "");
                        switch (nameValue[0].strip().toLowerCase(Locale.ROOT)) {
                            case "proto" -> scheme = value;
                            case "host" -> host = value;
                            default -> { }
                        }
                    }
                }
            }
            scheme = scheme != null ? scheme : first(in.getHeader("X-Forwarded-Proto", String.class));
            host = host != null ? host : first(in.getHeader("X-Forwarded-Host", String.class));
        }
        URI requestUrl = requestUrl(in);
        if (!isScheme(scheme)) {
            scheme = requestUrl != null && isScheme(requestUrl.getScheme()) ? requestUrl.getScheme() : "http";
        }
        if (!isHost(host)) {
            host = requestUrl != null && isHost(requestUrl.getRawAuthority()) ? requestUrl.getRawAuthority()
                    : localAddress(in);
        }
        return scheme.toLowerCase(Locale.ROOT) + "://" + host;
    }

    public String status(Exchange exchange, String id) {
        return base(exchange) + "/api/status/" + id;
    }

    private static URI requestUrl(Message in) {
        try {
            String url = in.getHeader(Exchange.HTTP_URL, String.class);
            return url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String localAddress(Message in) {
        Object local = in.getHeader("CamelVertxPlatformHttpLocalAddress");
        if (local instanceof io.vertx.core.net.SocketAddress address) {
            return (address.host().contains(":") ? "[" + address.host() + "]" : address.host()) + ":" + address.port();
        }
        if (local instanceof InetSocketAddress address) {
            return address.getHostString() + ":" + address.getPort();
        }
        return "localhost";
    }

    private static String first(String value) {
        if (value == null) {
            return null;
        }
        int comma = value.indexOf(',');
        return (comma < 0 ? value : value.substring(0, comma)).strip();
    }

    private static boolean isScheme(String scheme) {
        return "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
    }

    private static boolean isHost(String host) {
        return host != null && HOST.matcher(host).matches();
    }
}
