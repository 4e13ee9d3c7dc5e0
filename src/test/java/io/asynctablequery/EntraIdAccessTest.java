package io.asynctablequery;

import static io.asynctablequery.ApiKeyAccessTest.assertNotFound;
import static io.asynctablequery.ApiKeyAccessTest.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.OpenIdProvider;
import io.asynctablequery.support.Wait;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code api.auth=entra-id}: bearer tokens minted by the test and signed with keys that a local OpenID
 * Connect provider publishes (discovery and JWKS over real HTTP). Owners are the tokens' {@code oid}; the app
 * role {@code Jobs.Admin} makes an admin; every bad token is a 401 problem with {@code WWW-Authenticate}.
 */
class EntraIdAccessTest extends ApiTestSupport {

    private static final String TENANT = UUID.randomUUID().toString();
    private static final String AUDIENCE = "api://async-table-query";
    private final OpenIdProvider entra = new OpenIdProvider(TENANT);
    private final String aliceOid = UUID.randomUUID().toString();
    private final String bobOid = UUID.randomUUID().toString();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("api.auth", "entra-id");
        properties.setProperty("api.entra.tenant-id", TENANT);
        properties.setProperty("api.entra.audience", AUDIENCE);
        properties.setProperty("api.entra.metadata-url", entra.metadataUrl());
        properties.setProperty("api.entra.key-refresh-interval", "PT2S");
    }

    @BeforeAll
    void seedRows() {
        seed(new AuditRows().add("2023-04-01", "C", "A").add("2023-04-02", "C", "B"));
    }

    @AfterAll
    void stopProvider() {
        entra.close();
    }

    private JWTClaimsSet.Builder claims(String oid) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(entra.issuer()).audience(AUDIENCE).claim("tid", TENANT)
                .claim("oid", oid).subject("pairwise-" + oid).issueTime(Date.from(now))
                .notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
    }

    private ApiClient caller(String token) {
        return new ApiClient(this::base, "Authorization", "Bearer " + token);
    }

    private ApiClient caller(String oid, UnaryOperator<JWTClaimsSet.Builder> change) {
        return caller(OpenIdProvider.sign(entra.firstKey(), change.apply(claims(oid)).build()));
    }

    @Test
    void eachOwnerSeesItsOwnJobsAndTheAdminRoleSeesAll() {
        ApiClient alice = caller(aliceOid, c -> c);
        ApiClient bob = caller(bobOid, c -> c);
        ApiClient admin = caller(UUID.randomUUID().toString(), c -> c.claim("roles", List.of("Jobs.Admin")));

        String id = alice.submit("01/04/2023", "02/04/2023");
        assertEquals(2, alice.awaitFinished(id).get("result").asLong());
        assertNotFound(bob.get("/api/status/" + id));
        assertNotFound(bob.delete("/api/status/" + id));
        assertFalse(ids(bob.get("/api/status?top=1000")).contains(id));
        assertTrue(ids(admin.get("/api/status?top=1000")).contains(id));
        assertEquals(200, admin.get("/api/results/" + id).status());
        // the owner is the oid, whatever the token: a new token of alice's still reaches her job
        assertEquals(200, caller(aliceOid, c -> c.jwtID("another")).get("/api/status/" + id).status());
    }

    @Test
    void aTokenWithinTheClockSkewIsAccepted() {
        Instant now = Instant.now();
        ApiClient late = caller(aliceOid, c -> c.expirationTime(Date.from(now.minusSeconds(60))));
        ApiClient early = caller(aliceOid, c -> c.notBeforeTime(Date.from(now.plusSeconds(60))));
        assertEquals(200, late.get("/api/status?top=1").status());
        assertEquals(200, early.get("/api/status?top=1").status());
    }

    @Test
    void everyBadTokenIsRefusedWith401() throws JOSEException {
        RSAKey key = entra.firstKey();
        Instant now = Instant.now();
        ApiClient admin = caller(UUID.randomUUID().toString(), c -> c.claim("roles", List.of("Jobs.Admin")));
        int jobsBefore = admin.jobCount();
        Map<String, HttpResult> refused = new LinkedHashMap<>();
        refused.put("no header", api.get("/api/status"));
        refused.put("garbage", caller("garbage").get("/api/status"));
        refused.put("three garbage parts", caller("abc.def.ghi").get("/api/status"));
        refused.put("Basic", api.get("/api/status", "Authorization", "Basic YWxpY2U6c2VjcmV0"));
        refused.put("two headers", api.get("/api/status", "Authorization",
                "Bearer " + OpenIdProvider.sign(key, claims(aliceOid).build()), "Authorization",
                "Bearer " + OpenIdProvider.sign(key, claims(bobOid).build())));
        refused.put("alg none", caller(new PlainJWT(new PlainHeader(), claims(aliceOid).build()).serialize())
                .get("/api/status"));
        SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
                claims(aliceOid).build());
        hs256.sign(new MACSigner(key.toPublicJWK().toRSAPublicKey().getEncoded()));
        refused.put("HS256 with the public key", caller(hs256.serialize()).get("/api/status"));
        refused.put("expired", caller(aliceOid, c -> c.expirationTime(Date.from(now.minusSeconds(600))))
                .get("/api/status"));
        refused.put("not yet valid", caller(aliceOid, c -> c.notBeforeTime(Date.from(now.plusSeconds(600))))
                .get("/api/status"));
        refused.put("wrong audience", caller(aliceOid, c -> c.audience("api://another-api")).get("/api/status"));
        refused.put("wrong issuer", caller(aliceOid, c -> c.issuer("https://login.microsoftonline.com/"
                + UUID.randomUUID() + "/v2.0")).get("/api/status"));
        refused.put("wrong tenant", caller(aliceOid, c -> c.claim("tid", UUID.randomUUID().toString()))
                .get("/api/status"));
        refused.put("no tenant", caller(aliceOid, c -> c.claim("tid", null)).get("/api/status"));
        refused.put("unknown kid", caller(OpenIdProvider.sign(OpenIdProvider.newKey(), claims(aliceOid).build()))
                .get("/api/status"));
        refused.put("over-long", caller("a".repeat(7000)).get("/api/status"));
        String signed = OpenIdProvider.sign(key, claims(aliceOid).build());
        refused.put("tampered", caller(signed.substring(0, signed.length() - 4) + "AAAA").get("/api/status"));
        refused.put("submit", api.get("/api/submit/query?" + query("01/04/2023", "02/04/2023")));

        refused.forEach((why, answer) -> {
            assertEquals(401, answer.status(), why + ": " + answer);
            assertEquals("Bearer", answer.header("WWW-Authenticate"), why);
            assertEquals("application/problem+json", answer.contentType(), why);
            assertEquals("Missing or invalid credential.", answer.json().get("detail").asText(), why);
        });
        assertEquals(jobsBefore, admin.jobCount(), "nothing created");
    }

    @Test
    void aKeyPublishedMidTestIsFetchedWhenATokenNamesIt() {
        RSAKey rotated = OpenIdProvider.newKey();
        ApiClient signedWithTheNewKey = caller(OpenIdProvider.sign(rotated, claims(aliceOid).build()));
        assertEquals(200, caller(aliceOid, c -> c).get("/api/status?top=1").status()); // keys fetched once
        assertEquals(401, signedWithTheNewKey.get("/api/status?top=1").status());

        entra.publish(rotated);
        Wait.until("the rotated key fetched", Duration.ofSeconds(15),
                () -> signedWithTheNewKey.get("/api/status?top=1").status() == 200);
        assertEquals(200, caller(OpenIdProvider.sign(rotated, JWSAlgorithm.PS256, claims(bobOid).build()))
                .get("/api/status?top=1").status(), "PS256 is accepted too");
    }
}
