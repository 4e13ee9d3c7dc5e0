package io.asynctablequery.auth;

import io.asynctablequery.settings.ConfigurationException;
import io.asynctablequery.settings.Settings;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * Who may call ({@code api.auth}, SPEC §2): {@code authentication}, the first step of every API route, with the
 * keys file ({@code api-key}) or the Entra ID issuer's keys, found by discovery ({@code entra-id}).
 */
public class AuthConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        context.getRegistry().bind("authentication", authentication(Settings.of(context)));
    }

    private static Authentication authentication(Settings settings) {
        switch (settings.oneOf("api.auth", "none", "api-key", "entra-id")) {
            case "api-key" -> {
                String file = settings.optionalText("api.keys-file");
                if (file.isEmpty()) {
                    throw new ConfigurationException("api.auth=api-key needs api.keys-file, the file of the API keys");
                }
                return new Authentication(new ApiKeys(Path.of(file)), null);
            }
            case "entra-id" -> {
                return new Authentication(null, entraTokens(settings));
            }
            default -> {
                return new Authentication(null, null);
            }
        }
    }

    private static EntraTokens entraTokens(Settings settings) {
        String tenant = settings.optionalText("api.entra.tenant-id");
        String audience = settings.optionalText("api.entra.audience");
        if (tenant.isEmpty() || audience.isEmpty()) {
            throw new ConfigurationException("api.auth=entra-id needs api.entra.tenant-id and api.entra.audience");
        }
        String metadata = settings.optionalText("api.entra.metadata-url");
        String issuer = settings.optionalText("api.entra.issuer");
        try {
            return new EntraTokens(new URL(metadata.isEmpty() ? "https://login.microsoftonline.com/" + tenant
                    + "/v2.0/.well-known/openid-configuration" : metadata),
                    issuer.isEmpty() ? "https://login.microsoftonline.com/" + tenant + "/v2.0" : issuer,
                    audience, tenant, settings.text("api.entra.admin-role").strip(),
                    settings.duration("api.entra.key-refresh-interval"));
        } catch (MalformedURLException e) {
            throw new ConfigurationException("api.entra.metadata-url is not a URL");
        }
    }
}
