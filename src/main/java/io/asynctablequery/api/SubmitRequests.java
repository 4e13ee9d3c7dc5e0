package io.asynctablequery.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.asynctablequery.query.DayRange;
import java.io.IOException;
import io.asynctablequery.webhooks.CallbackPolicy;
import io.asynctablequery.webhooks.RefusedCallbackException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Reads and validates a submit: {@code s} and {@code e} from the query string, a form or a JSON body,
 * with the original API's messages word for word, and the {@code Idempotency-Key} header.
 */
public class SubmitRequests {

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final DateRanges ranges;
    private final CallbackPolicy callbacks;
    private final Links links;

    public SubmitRequests(DateRanges ranges, CallbackPolicy callbacks, Links links) {
        this.ranges = ranges;
        this.callbacks = callbacks;
        this.links = links;
    }

    public SubmitRequest parse(Exchange exchange) {
        Message in = exchange.getIn();
        Map<String, Object> body = bodyParameters(in);
        DayRange range = ranges.parse(parameter(in, body, "s"), parameter(in, body, "e"));
        return new SubmitRequest(range, idempotencyKey(in), callbackUrl(in, body), fresh(in, body),
                links.base(exchange));
    }

    /** An optional {@code fresh}: true or false (a JSON boolean, or its text). */
    private static boolean fresh(Message in, Map<String, Object> body) {
        Object value = body.containsKey("fresh") ? body.get("fresh") : in.getHeader("fresh");
        if (value instanceof JsonNode node && node.isBoolean()) {
            return node.booleanValue();
        }
        value = value instanceof JsonNode node && node.isTextual() ? node.textValue() : value;
        if (value == null || "false".equals(value)) {
            return false;
        }
        if ("true".equals(value)) {
            return true;
        }
        throw new ApiException(400, "fresh must be true or false.");
    }

    /** An optional {@code callbackUrl}, like s and e; given once, and to a place callbacks may go. */
    private String callbackUrl(Message in, Map<String, Object> body) {
        Object value = parameter(in, body, "callbackUrl");
        boolean inBodyAndQuery = !(in.getBody() instanceof Map) && body.containsKey("callbackUrl")
                && in.getHeader("callbackUrl") != null;
        if (value instanceof List<?> || inBodyAndQuery) {
            throw new ApiException(400, "callbackUrl is given more than once.");
        }
        if (value == null) {
            return null;
        }
        if (!(value instanceof String url) || url.isBlank()) {
            throw new ApiException(400, "callbackUrl must be an absolute https URL.");
        }
        try {
            return callbacks.check(url.strip()).toString();
        } catch (RefusedCallbackException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    /** The body's value wins over the query string's; a repeated query parameter arrives as a list. */
    private static Object parameter(Message in, Map<String, Object> body, String name) {
        Object value = body.containsKey(name) ? body.get(name) : in.getHeader(name);
        if (value instanceof JsonNode node) {
            return node.isTextual() ? node.textValue() : node.isNull() ? null : node.toString();
        }
        return value;
    }

    private static Map<String, Object> bodyParameters(Message in) {
        Object body = in.getBody();
        if (body instanceof Map<?, ?> form) {
            @SuppressWarnings("unchecked")
            Map<String, Object> parameters = (Map<String, Object>) form;
            return parameters;
        }
        if (body == null || "GET".equals(in.getHeader(Exchange.HTTP_METHOD))) {
            return Map.of(); // no body to read (converting a GET's empty body costs a converter lookup)
        }
        byte[] bytes = body instanceof byte[] raw ? raw : in.getBody(byte[].class);
        if (bytes == null || bytes.length == 0) {
            return Map.of();
        }
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, "", String.class).toLowerCase();
        if (!contentType.startsWith("application/json") && !contentType.contains("+json")) {
            throw new ApiException(415, "Send s and e as a query string, a form or a JSON body "
                    + "(Content-Type: application/json).");
        }
        JsonNode json;
        try {
            json = HttpResponses.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ApiException(400, "The request body is not valid JSON.");
        }
        if (json == null || !json.isObject()) {
            throw new ApiException(400, "The JSON body must be an object such as {\"s\": \"01/01/2021\", "
                    + "\"e\": \"31/01/2021\"}.");
        }
        Map<String, Object> parameters = new java.util.HashMap<>();
        json.fields().forEachRemaining(field -> parameters.put(field.getKey(), field.getValue()));
        return parameters;
    }

    private static String idempotencyKey(Message in) {
        Object key = in.getHeader("Idempotency-Key");
        if (key == null) {
            return null;
        }
        if (!(key instanceof String text) || !IDEMPOTENCY_KEY.matcher(text).matches()) {
            throw new ApiException(400, "Invalid Idempotency-Key: use 1 to 255 visible ASCII characters.");
        }
        return text;
    }
}
