package io.asynctablequery.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;

/** An HTTP response as the tests read it. */
public record HttpResult(int status, java.net.http.HttpHeaders headers, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static HttpResult of(HttpResponse<String> response) {
        return new HttpResult(response.statusCode(), response.headers(), response.body());
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("Not JSON (" + status + "): " + body, e);
        }
    }

    public String contentType() {
        return header("Content-Type");
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
