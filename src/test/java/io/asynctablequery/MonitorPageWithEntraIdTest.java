package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.nimbusds.jwt.JWTClaimsSet;
import io.asynctablequery.support.Needs;
import io.asynctablequery.support.Tool;
import io.asynctablequery.support.ApiClient;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.Browser;
import io.asynctablequery.support.OpenIdProvider;
import io.asynctablequery.support.Wait;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The monitor page under {@code api.auth=entra-id} (SPEC §9): the API's {@code WWW-Authenticate: Bearer} makes
 * the page ask for an access token; the pasted token goes in the Authorization header, never in a URL. Tokens
 * are signed with keys a local OpenID Connect provider publishes.
 */
@Needs(Tool.CHROME)
class MonitorPageWithEntraIdTest extends ApiTestSupport {

    private static final String TENANT = UUID.randomUUID().toString();
    private static final String AUDIENCE = "api://async-table-query";
    private final OpenIdProvider entra = new OpenIdProvider(TENANT);

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("api.auth", "entra-id");
        properties.setProperty("api.entra.tenant-id", TENANT);
        properties.setProperty("api.entra.audience", AUDIENCE);
        properties.setProperty("api.entra.metadata-url", entra.metadataUrl());
    }

    @AfterAll
    void stopProvider() {
        entra.close();
    }

    @Test
    void thePageTakesAPastedTokenAndSendsItAsABearer() {
        Instant now = Instant.now();
        String token = OpenIdProvider.sign(entra.firstKey(), new JWTClaimsSet.Builder().issuer(entra.issuer())
                .audience(AUDIENCE).claim("tid", TENANT).claim("oid", UUID.randomUUID().toString())
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600))).build());
        String id = new ApiClient(this::base, "Authorization", "Bearer " + token).submit("01/01/2021", "02/01/2021");
        try (Browser browser = new Browser()) {
            browser.driver.get(base() + "/");
            Wait.until("the token prompt", Duration.ofSeconds(20), () -> Boolean.TRUE.equals(
                    browser.script("return document.getElementById('credential-dialog').open;")));
            assertEquals("Entra ID access token", browser.find("credential-label").getText());
            browser.find("credential").sendKeys(token);
            browser.find("credential-submit").click();
            Wait.until("the caller's job listed", Duration.ofSeconds(20), () -> browser.jobState(id) != null);
            assertEquals("Signed in with a token", browser.find("who").getText());
            for (URI request : browser.requests()) {
                assertFalse(request.toString().contains(token.substring(0, 20)), "a URL carries the token");
            }
        }
    }
}
