package io.asynctablequery.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Microsoft Entra ID's key endpoints, on loopback: OpenID Connect discovery at
 * {@link #metadataUrl()} naming a JWKS endpoint that publishes the public halves of this provider's RSA keys.
 * Tokens are signed here with the same library the application verifies them with.
 */
public final class OpenIdProvider implements AutoCloseable {

    private final HttpServer server;
    private final String tenant;
    private final List<RSAKey> published = new CopyOnWriteArrayList<>();

    public OpenIdProvider(String tenant) {
        this.tenant = tenant;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/" + tenant + "/v2.0/.well-known/openid-configuration", exchange -> answer(exchange,
                "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + base() + "/" + tenant + "/discovery/v2.0/keys\"}"));
        server.createContext("/" + tenant + "/discovery/v2.0/keys", exchange -> answer(exchange,
                new JWKSet(published.stream().map(key -> (JWK) key.toPublicJWK()).toList()).toString()));
        server.start();
        publish(newKey());
    }

    public static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes another key (a rotation); tokens may then be signed with it. */
    public void publish(RSAKey key) {
        published.add(key);
    }

    public RSAKey firstKey() {
        return published.get(0);
    }

    public String metadataUrl() {
        return base() + "/" + tenant + "/v2.0/.well-known/openid-configuration";
    }

    /** Entra ID's v2.0 issuer for the tenant: what the application expects by default. */
    public String issuer() {
        return "https://login.microsoftonline.com/" + tenant + "/v2.0";
    }

    /** A token with these claims, signed RS256 with {@code key} and naming its kid. */
    public static String sign(RSAKey key, JWTClaimsSet claims) {
        return sign(key, JWSAlgorithm.RS256, claims);
    }

    public static String sign(RSAKey key, JWSAlgorithm algorithm, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
