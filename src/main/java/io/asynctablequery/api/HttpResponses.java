package io.asynctablequery.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asynctablequery.json.Json;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Writes an HTTP response onto an exchange: status, only the headers given (the request's headers are
 * never echoed back), and a JSON body.
 */
public final class HttpResponses {

    static final ObjectMapper JSON = Json.MAPPER;
    static final String APPLICATION_JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";

    private HttpResponses() {
    }

    public static void write(Exchange exchange, int status, Map<String, String> headers, Object body) {
        write(exchange, status, headers, body, APPLICATION_JSON);
    }

    static void write(Exchange exchange, int status, Map<String, String> headers, Object body, String contentType) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        headers.forEach(message::setHeader);
        if (body == null) {
            message.setBody(null);
            return;
        }
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        try {
            message.setBody(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render " + body.getClass().getSimpleName(), e);
        }
    }
}
