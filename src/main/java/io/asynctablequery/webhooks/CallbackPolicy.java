package io.asynctablequery.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where callbacks may go ({@code api.callback-allowed-hosts}): a callback is a request the service makes for
 * a caller, so it must not reach what the caller cannot. Entries are host names ({@code hooks.example.com}),
 * wildcards of one or more labels ({@code *.example.com}), both for https on any port, or
 * {@code http://host[:port]} for plain http to that host (and port). A URL must be absolute, https (http only
 * as listed), without credentials, at most 2 kB. An address that is loopback, link-local (the cloud metadata
 * endpoint 169.254.169.254 among them), private, unique-local or unspecified is refused unless its host is
 * listed literally (not by a wildcard): checked on the URL's literal address at submit, and on every address
 * the name resolves to before each delivery.
 */
public class CallbackPolicy {

    static final int MAX_URL_LENGTH = 2048;

    private record Entry(String host, boolean wildcard, boolean http, int port) {
    }

    private final List<Entry> allowed = new ArrayList<>();

    public CallbackPolicy(String allowedHosts) {
        for (String item : allowedHosts.split(",")) {
            String entry = item.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.startsWith("http://")) {
                URI uri = URI.create(entry);
                if (uri.getHost() == null) {
                    throw new IllegalStateException("api.callback-allowed-hosts: '" + item.strip() + "' is not http://host[:port]");
                }
                allowed.add(new Entry(uri.getHost(), false, true, uri.getPort()));
            } else if (entry.startsWith("*.")) {
                allowed.add(new Entry(entry.substring(2), true, false, -1));
            } else if (entry.matches("[a-z0-9.\\-\\[\\]:]+")) {
                allowed.add(new Entry(entry, false, false, -1));
            } else {
                throw new IllegalStateException("api.callback-allowed-hosts: '" + item.strip()
                        + "' is neither a host, *.domain nor http://host[:port]");
            }
        }
    }

    public boolean allowsAny() {
        return !allowed.isEmpty();
    }

    /**
     * Checks a callback URL as given at submit.
     *
     * @return the URL, parsed
     * @throws RefusedCallbackException saying what is wrong with it
     */
    public URI check(String url) {
        if (allowed.isEmpty()) {
            throw new RefusedCallbackException("callbackUrl is not accepted here: no callback host is allowed.");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new RefusedCallbackException("callbackUrl is longer than " + MAX_URL_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RefusedCallbackException("callbackUrl is not a URL.");
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new RefusedCallbackException("callbackUrl must be an absolute https URL.");
        }
        if (uri.getRawUserInfo() != null) {
            throw new RefusedCallbackException("callbackUrl must not carry credentials.");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        boolean http = "http".equals(scheme);
        if (!http && !"https".equals(scheme)) {
            throw new RefusedCallbackException("callbackUrl must be an absolute https URL.");
        }
        if (allowed.stream().noneMatch(entry -> matches(entry, host, http, uri.getPort()))) {
            throw new RefusedCallbackException("callbackUrl's host is not one callbacks may go to"
                    + (http ? " over http" : "") + ".");
        }
        if (isLiteralAddress(host) && !listedLiterally(host)) {
            try {
                if (isInternal(InetAddress.getByName(host))) {
                    throw new RefusedCallbackException("callbackUrl points at an internal address.");
                }
            } catch (UnknownHostException e) {
                throw new RefusedCallbackException("callbackUrl is not a URL.");
            }
        }
        return uri;
    }

    /**
     * Checks, just before a delivery, every address the callback's host resolves to now.
     *
     * @throws RefusedCallbackException when one is internal and the host is not listed literally, or none resolves
     */
    public void checkResolved(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (listedLiterally(host)) {
            return;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (isInternal(address)) {
                    throw new RefusedCallbackException("the callback's host resolves to an internal address");
                }
            }
        } catch (UnknownHostException e) {
            throw new RefusedCallbackException("the callback's host does not resolve");
        }
    }

    private static boolean matches(Entry entry, String host, boolean http, int port) {
        if (entry.http()) {
            return http && entry.host().equals(host) && (entry.port() == -1 || entry.port() == port);
        }
        if (http) {
            return false;
        }
        return entry.wildcard() ? host.endsWith("." + entry.host()) : entry.host().equals(host);
    }

    private boolean listedLiterally(String host) {
        return allowed.stream().anyMatch(entry -> !entry.wildcard() && entry.host().equals(host));
    }

    private static boolean isLiteralAddress(String host) {
        return host.startsWith("[") || host.matches("[0-9.]+");
    }

    static boolean isInternal(InetAddress address) {
        byte[] bytes = address.getAddress();
        boolean uniqueLocal = bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc; // fc00::/7
        boolean sharedSpace = bytes.length == 4 && (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64; // 100.64/10
        return address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress() || uniqueLocal || sharedSpace;
    }
}
