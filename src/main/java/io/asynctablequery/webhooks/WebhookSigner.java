package io.asynctablequery.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook as Standard Webhooks do: {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">} with the key of {@code api.webhook-secret} ({@code whsec_<base64>}).
 */
public class WebhookSigner {

    private final SecretKeySpec key;

    public WebhookSigner(String secret) {
        if (!secret.startsWith("whsec_")) {
            throw new IllegalStateException("api.webhook-secret must be whsec_<base64 of the key>");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(secret.substring(6));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("api.webhook-secret must be whsec_<base64 of the key>");
        }
        if (bytes.length < 24) {
            throw new IllegalStateException("api.webhook-secret's key must be at least 24 bytes");
        }
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    public String signature(String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
