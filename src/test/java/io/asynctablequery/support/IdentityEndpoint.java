package io.asynctablequery.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A managed identity endpoint as App Service and Container Apps serve it (SPEC §12): the application finds it
 * through {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}, asks
 * {@code GET ?resource=https://storage.azure.com&api-version=2019-08-01} with header {@code X-IDENTITY-HEADER},
 * and gets a token for storage. Tokens are JWTs with the claims Azurite checks ({@code iss}, {@code aud},
 * {@code iat}, {@code nbf}, {@code exp}); Azurite does not check their signature. The endpoint can answer 500
 * for a while, make tokens of any lifetime, and counts what it was asked and what it answered.
 */
public final class IdentityEndpoint implements AutoCloseable {

    /** The {@code X-IDENTITY-HEADER} secret the platform gives the application. */
    public static final String SECRET_PREFIX = "identity-header-secret-";
    public static final String SECRET = SECRET_PREFIX + UUID.randomUUID();
    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String RESOURCE = "https://storage.azure.com";

    private final HttpServer server;
    private volatile Duration lifetime = Duration.ofHours(1);
    private volatile Duration accepted = Duration.ofHours(1);
    private volatile long failingUntil;
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final List<String> tokens = new CopyOnWriteArrayList<>();
    private final List<Long> tokenTimes = new CopyOnWriteArrayList<>();
    private final List<String> clientIds = new CopyOnWriteArrayList<>();

    private IdentityEndpoint(HttpServer server) {
        this.server = server;
    }

    public static IdentityEndpoint start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            IdentityEndpoint endpoint = new IdentityEndpoint(server);
            server.createContext("/msi/token", endpoint::answer);
            server.start();
            return endpoint;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the platform puts in the application's environment, with the header secret it holds. */
    public Map<String, String> environment(String headerSecret) {
        return Map.of("IDENTITY_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort() + "/msi/token",
                "IDENTITY_HEADER", headerSecret);
    }

    /** How long the tokens it makes from now on live: their {@code expires_on}, and their {@code exp}. */
    public void tokensLive(Duration lifetime) {
        tokensLive(lifetime, lifetime);
    }

    /**
     * Tokens whose {@code expires_on} (when the client must renew them) is {@code lifetime} away and whose
     * {@code exp} (until when storage takes them) is {@code acceptedFor} away: as Azure's services allow for clock
     * skew, storage takes a token a little past the expiry its client was told. Without that slack, a client
     * that renews a token of a few seconds only once it has expired sends some requests with the old one a
     * moment too late.
     */
    public void tokensLive(Duration lifetime, Duration acceptedFor) {
        this.lifetime = lifetime;
        this.accepted = acceptedFor;
    }

    /** Answers {@code 500} to everything for this long. */
    public void failFor(Duration duration) {
        failingUntil = System.nanoTime() + duration.toNanos();
    }

    /** Answers again. */
    public void recover() {
        failingUntil = System.nanoTime();
    }

    public int asked() {
        return asked.get();
    }

    public int failed() {
        return failed.get();
    }

    public int refused() {
        return refused.get();
    }

    /** Every token it has given, to look for in logs and answers. */
    public List<String> tokens() {
        return List.copyOf(tokens);
    }

    /** When each token was given ({@link System#nanoTime()}). */
    public List<Long> tokenTimes() {
        return List.copyOf(tokenTimes);
    }

    /** The {@code client_id} of each request that named a user-assigned identity. */
    public List<String> clientIds() {
        return List.copyOf(clientIds);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        asked.incrementAndGet();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        if (System.nanoTime() - failingUntil < 0) {
            failed.incrementAndGet();
            send(exchange, 500, "{\"error\":\"unavailable\",\"error_description\":\"the identity service fails\"}");
        } else if (!SECRET.equals(exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER"))) {
            refused.incrementAndGet();
            send(exchange, 401, "{\"statusCode\":401,\"message\":\"Unauthorized request: X-IDENTITY-HEADER "
                    + "does not match\"}");
        } else if (!"GET".equals(exchange.getRequestMethod()) || !RESOURCE.equals(query.get("resource"))
                || !"2019-08-01".equals(query.get("api-version"))) {
            send(exchange, 400, "{\"error\":\"invalid_request\",\"error_description\":\"resource or api-version\"}");
        } else {
            if (query.containsKey("client_id")) {
                clientIds.add(query.get("client_id"));
            }
            long now = System.currentTimeMillis() / 1000;
            long expiresOn = now + lifetime.toSeconds();
            String token = jwt(now, now + accepted.toSeconds());
            tokens.add(token);
            tokenTimes.add(System.nanoTime());
            send(exchange, 200, "{\"access_token\":\"" + token + "\",\"expires_on\":\"" + expiresOn
                    + "\",\"resource\":\"" + RESOURCE + "\",\"token_type\":\"Bearer\",\"client_id\":\""
                    + query.getOrDefault("client_id", "system-assigned") + "\"}");
        }
    }

    /**
     * A token for the test's own storage clients (e.g. to seed the audit table), made as the endpoint makes
     * them; not counted as given.
     */
    public String mint(Duration lifetime) {
        long now = System.currentTimeMillis() / 1000;
        String token = jwt(now, now + lifetime.toSeconds());
        tokens.add(token);
        return token;
    }

    private static String jwt(long issuedAt, long expiresOn) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String claims = "{\"iss\":\"https://sts.windows.net/" + TENANT + "/\",\"aud\":\"" + RESOURCE + "\",\"iat\":"
                + (issuedAt - 60) + ",\"nbf\":" + (issuedAt - 60) + ",\"exp\":" + expiresOn + ",\"oid\":\""
                + UUID.randomUUID() + "\",\"tid\":\"" + TENANT + "\"}";
        return base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
