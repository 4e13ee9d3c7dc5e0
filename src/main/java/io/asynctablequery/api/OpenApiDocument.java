package io.asynctablequery.api;

import io.asynctablequery.Resources;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The OpenAPI 3.1 document of the API (SPEC §8), {@code openapi.json} in the application's resources, served
 * as it is at {@code /api/openapi.json}; the tests prove every route and response equal to it.
 */
public class OpenApiDocument {

    static final String RESOURCE = "openapi.json";
    private final byte[] json;

    public OpenApiDocument() {
        json = Resources.bytes(RESOURCE);
    }

    public void serve(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, HttpResponses.APPLICATION_JSON);
        message.setBody(json);
    }
}
