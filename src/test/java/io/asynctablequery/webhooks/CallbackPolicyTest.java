package io.asynctablequery.webhooks;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The delivery-time check resolves the callback's host now: an internal address is called only if listed literally. */
class CallbackPolicyTest {

    @Test
    void aNameThatResolvesToLoopbackIsRefusedUnlessListedLiterally() {
        CallbackPolicy byWildcard = new CallbackPolicy("*.example.com");
        assertThrows(RefusedCallbackException.class, () -> byWildcard.checkResolved(URI.create("https://localhost/x")));

        CallbackPolicy literally = new CallbackPolicy("http://localhost:8080");
        assertDoesNotThrow(() -> literally.checkResolved(URI.create("http://localhost:8080/x")));
    }

    @Test
    void aListedLiteralPrivateAddressIsAllowedAndAnUnlistedOneIsNot() {
        CallbackPolicy policy = new CallbackPolicy("http://10.0.0.5:9000, *.example.com");
        assertDoesNotThrow(() -> policy.check("http://10.0.0.5:9000/hook"));
        assertThrows(RefusedCallbackException.class, () -> policy.check("http://10.0.0.6:9000/hook"));
        assertThrows(RefusedCallbackException.class, () -> policy.check("https://[::1]/hook"));
    }
}
