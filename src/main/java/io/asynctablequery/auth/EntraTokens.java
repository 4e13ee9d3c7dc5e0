package io.asynctablequery.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.json.Json;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Microsoft Entra ID bearer tokens, checked with Nimbus JOSE + JWT (a maintained JOSE library; no
 * cryptography here): the signature against the keys the issuer publishes (found by OpenID Connect discovery
 * at {@code api.entra.metadata-url}, cached, fetched again when a token names an unknown {@code kid}, at most
 * once per {@code api.entra.key-refresh-interval}); RS256 and PS256 only ({@code alg: none} and symmetric
 * algorithms are refused); {@code iss}, {@code aud}, {@code tid}, {@code exp} and {@code nbf} with 5 minutes
 * of clock skew. A valid token is remembered until it expires, so a caller's next requests cost a lookup.
 */
public class EntraTokens {

    /** Longer tokens are refused before they are parsed. */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;
    private static final int MAX_REMEMBERED = 10_000;
    private static final int CLOCK_SKEW_SECONDS = 300;
    private static final Pattern JWT_CHARACTERS = Pattern.compile("[A-Za-z0-9_.\\-]+");

    private record Verified(Caller caller, Instant expires) {
    }

    private final URL metadataUrl;
    private final String issuer;
    private final String audience;
    private final String tenantId;
    private final String adminRole;
    private final Duration keyRefreshInterval;
    private final ResourceRetriever retriever = new DefaultResourceRetriever(5000, 5000, 1024 * 1024);
    private final Map<String, Verified> remembered = new ConcurrentHashMap<>();
    private volatile DefaultJWTProcessor<SecurityContext> processor;

    public EntraTokens(URL metadataUrl, String issuer, String audience, String tenantId, String adminRole,
                       Duration keyRefreshInterval) {
        this.metadataUrl = metadataUrl;
        this.issuer = issuer;
        this.audience = audience;
        this.tenantId = tenantId;
        this.adminRole = adminRole;
        this.keyRefreshInterval = keyRefreshInterval;
    }

    /** The caller a token names: its {@code oid} (else {@code sub}), an admin with the admin app role. */
    public Caller authenticate(String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidCredentialException("token of " + token.length() + " characters");
        }
        Verified known = remembered.get(token);
        if (known != null && Instant.now().isBefore(known.expires())) {
            return known.caller();
        }
        if (!JWT_CHARACTERS.matcher(token).matches()) {
            throw new InvalidCredentialException("a bearer token that is not a JWT");
        }
        JWTClaimsSet claims;
        try {
            claims = processor().process(token, null);
        } catch (InvalidCredentialException e) {
            throw e;
        } catch (Exception e) { // parse, signature, key, algorithm and claim failures alike
            throw new InvalidCredentialException("token refused: " + e.getMessage());
        }
        String owner = claims.getClaim("oid") instanceof String oid ? oid : claims.getSubject();
        if (owner == null || owner.isBlank()) {
            throw new InvalidCredentialException("token names no oid or sub");
        }
        boolean admin;
        try {
            List<String> roles = claims.getStringListClaim("roles");
            admin = roles != null && roles.contains(adminRole);
        } catch (java.text.ParseException e) {
            throw new InvalidCredentialException("token roles are not a list of strings");
        }
        Caller caller = new Caller(owner, admin);
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        remembered.put(token, new Verified(caller, claims.getExpirationTime().toInstant()));
        return caller;
    }

    /** Built on first use, so that an issuer not reachable at start-up is looked up again later. */
    private DefaultJWTProcessor<SecurityContext> processor() {
        DefaultJWTProcessor<SecurityContext> built = processor;
        if (built != null) {
            return built;
        }
        synchronized (this) {
            if (processor == null) {
                JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwksUri(), retriever)
                        .cache(Duration.ofHours(12).toMillis(), Duration.ofSeconds(15).toMillis())
                        .rateLimited(keyRefreshInterval.toMillis())
                        .retrying(false)
                        .refreshAheadCache(false)
                        .build();
                DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
                jwt.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256),
                        keys));
                DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(Set.of(audience),
                        new JWTClaimsSet.Builder().issuer(issuer).claim("tid", tenantId).build(),
                        Set.of("exp", "iss", "aud", "tid"), null);
                verifier.setMaxClockSkew(CLOCK_SKEW_SECONDS);
                jwt.setJWTClaimsSetVerifier(verifier);
                processor = jwt;
            }
            return processor;
        }
    }

    private URL jwksUri() {
        try {
            JsonNode metadata = Json.MAPPER.readTree(retriever.retrieveResource(metadataUrl).getContent());
            String uri = metadata.path("jwks_uri").asText("");
            if (!uri.startsWith("https://") && !uri.startsWith("http://")) {
                throw new InvalidCredentialException("the OpenID metadata at " + metadataUrl + " has no jwks_uri");
            }
            return new URL(uri);
        } catch (IOException e) {
            throw new InvalidCredentialException("the OpenID metadata at " + metadataUrl + " could not be read: "
                    + e.getClass().getSimpleName());
        }
    }
}
