package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asynctablequery.support.ApiTestSupport;
import io.asynctablequery.support.AuditRows;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.OpenApiContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The OpenAPI document (SPEC §8) is the contract of the routes: it is served as it is, it validates, the
 * routes of routes/ and the operations of the document are the same set of methods and paths, and what is
 * outside it is a problem. (Every response
 * of every end-to-end test is held to the document by {@link OpenApiContract}; OpenApiCoverageIT checks that
 * every documented response was seen.)
 */
class OpenApiDocumentTest extends ApiTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDocumentIsServedAsItIsInTheRepositoryAndValidates() throws IOException {
        HttpResult served = get("/api/openapi.json");
        assertEquals(200, served.status(), served.toString());
        assertEquals("application/json", served.contentType());
        assertEquals(JSON.readTree(Files.readString(OpenApiContract.DOCUMENT)), served.json());
        assertEquals(List.of(), OpenApiContract.problemsOf(served.body()));
        assertEquals("3.1.0", served.json().get("openapi").asText());
    }

    @Test
    void theValidatorFindsABrokenDocument() throws IOException {
        ObjectNode broken = (ObjectNode) JSON.readTree(Files.readString(OpenApiContract.DOCUMENT));
        ((ObjectNode) broken.get("components").get("schemas")).remove("Status"); // referenced, now missing
        assertFalse(OpenApiContract.problemsOf(broken.toString()).isEmpty());
        ObjectNode noPaths = (ObjectNode) JSON.readTree(Files.readString(OpenApiContract.DOCUMENT));
        noPaths.put("paths", "none");
        assertFalse(OpenApiContract.problemsOf(noPaths.toString()).isEmpty());
    }

    @Test
    void theRoutesAndTheDocumentHaveTheSameOperations() throws IOException {
        Set<String> routes = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                for (Object node : (List<?>) new Load(LoadSettings.builder().build()).loadFromString(
                        Files.readString(file))) {
                    Map<?, ?> route = (Map<?, ?>) ((Map<?, ?>) node).get("route");
                    Map<?, ?> from = route == null ? null : (Map<?, ?>) route.get("from");
                    String uri = from == null ? "" : String.valueOf(from.get("uri"));
                    if (uri.startsWith("platform-http:/api")) { // the API (the monitor page is not part of it)
                        Map<?, ?> parameters = (Map<?, ?>) from.get("parameters");
                        for (String method : String.valueOf(parameters.get("httpMethodRestrict")).split(",")) {
                            routes.add(method.strip() + " " + uri.substring("platform-http:".length()));
                        }
                    }
                }
            }
        }
        Set<String> documented = new TreeSet<>();
        OpenApiContract.shared().operations().forEach(op -> documented.add(op.method() + " " + op.template()));
        assertTrue(routes.size() >= 9, "routes found: " + routes);
        assertEquals(documented, routes);
    }

    @Test
    void pathsAndMethodsOutsideTheDocumentAreProblems() {
        HttpResult unknown = get("/api/nothing-here");
        assertEquals(404, unknown.status(), unknown.toString());
        assertEquals("application/problem+json", unknown.contentType());
        HttpResult wrongMethod = send("PUT", "/api/status/" + UUID.randomUUID(), "");
        assertEquals(405, wrongMethod.status(), wrongMethod.toString());
        assertEquals("application/problem+json", wrongMethod.contentType());
        assertTrue(wrongMethod.header("Allow").contains("GET") && wrongMethod.header("Allow").contains("DELETE"),
                wrongMethod.header("Allow"));
    }

    @Test
    void submitsByPostAreDescribedToo() {
        seed(new AuditRows().add("2022-05-01", "C", "A").add("2022-05-02", "C", "B"));
        String body = "{\"s\":\"01/05/2022\",\"e\":\"02/05/2022\"}";
        HttpResult accepted = post("/api/submit/query", body, "Content-Type", "application/json",
                "Idempotency-Key", "openapi-post");
        assertEquals(202, accepted.status(), accepted.toString());
        HttpResult conflict = post("/api/submit/query", "{\"s\":\"01/05/2022\",\"e\":\"03/05/2022\"}",
                "Content-Type", "application/json", "Idempotency-Key", "openapi-post");
        assertEquals(409, conflict.status(), conflict.toString());
        HttpResult done = post("/api/submit/query?wait=20", body, "Content-Type", "application/json",
                "Idempotency-Key", "openapi-post");
        assertEquals(200, done.status(), done.toString());
        assertEquals(2, done.json().get("result").asLong());
    }
}
