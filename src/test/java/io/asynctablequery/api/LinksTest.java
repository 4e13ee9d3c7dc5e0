package io.asynctablequery.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class LinksTest {

    private static Exchange request(String url, String... headers) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader(Exchange.HTTP_URL, url);
        for (int i = 0; i < headers.length; i += 2) {
            exchange.getIn().setHeader(headers[i], headers[i + 1]);
        }
        return exchange;
    }

    @Test
    void linksUseTheRequestSchemeAndHost() {
        assertEquals("http://api.local:8080", new Links("", false).base(request("http://api.local:8080/api/x?y")));
    }

    @Test
    void forwardedHeadersAreIgnoredUnlessTrusted() {
        Exchange forwarded = request("http://10.0.0.5:8080/api/x", "X-Forwarded-Host", "api.example.com",
                "X-Forwarded-Proto", "https");

        assertEquals("http://10.0.0.5:8080", new Links(null, false).base(forwarded));
        assertEquals("https://api.example.com", new Links(null, true).base(forwarded));
    }

    @Test
    void theStandardForwardedHeaderWinsOverTheXHeaders() {
        Exchange forwarded = request("http://10.0.0.5:8080/api/x", "Forwarded",
                "for=1.2.3.4;proto=https;host=\"public.example:443\", for=5.6.7.8", "X-Forwarded-Host", "other");

        assertEquals("https://public.example:443", new Links(null, true).base(forwarded));
    }

    @Test
    void malformedForwardedValuesFallBackToTheRequest() {
        Exchange forwarded = request("http://10.0.0.5:8080/api/x", "X-Forwarded-Host", "evil/path?x",
                "X-Forwarded-Proto", "javascript");

        assertEquals("http://10.0.0.5:8080", new Links(null, true).base(forwarded));
    }

    @Test
    void aPublicBaseUrlOverridesEverything() {
        Exchange forwarded = request("http://10.0.0.5:8080/api/x", "X-Forwarded-Host", "api.example.com");

        assertEquals("https://audit.example.com/prefix", new Links("https://audit.example.com/prefix/", true)
                .base(forwarded));
    }
}
