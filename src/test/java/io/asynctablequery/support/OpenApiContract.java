package io.asynctablequery.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The API's OpenAPI document (src/main/resources/openapi.json) as the tests hold the application to it.
 * Loading it validates it (swagger-parser: OpenAPI 3.1 structure and references). Every response an
 * end-to-end test receives through {@link ApiClient} is then held to the operation the document declares for
 * its method and path: the status must be documented, its media type too, and its JSON body must match the
 * declared schema (Vert.x JSON Schema, draft 2020-12, OpenAPI 3.1's dialect), so errors are the declared problems.
 * Each (operation, status) seen is written to a file of this test JVM's in target/openapi-coverage/ (the tests
 * run in several JVMs at once), which {@code OpenApiCoverageIT} holds, together, against the document: every
 * documented response was seen in a test.
 */
public final class OpenApiContract {

    public static final Path DOCUMENT = Path.of("src/main/resources/openapi.json");
    /** Where each JVM of the surefire run writes the responses it saw (set in the pom; the ITs write none). */
    public static final Path COVERAGE = Path.of(System.getProperty("openapi.coverage", "target/openapi-coverage"));
    private static final String BASE = "https://async-table-query.test/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");
    private static OpenApiContract shared;

    /** One operation of the document. */
    public record Operation(String method, String template, Pattern pattern, String id, JsonNode node) {
    }

    private final JsonNode document;
    private final List<Operation> operations = new ArrayList<>();
    private final SchemaRepository schemas;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    private OpenApiContract() {
        String text;
        try {
            text = Files.readString(DOCUMENT);
            document = new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("Cannot read " + DOCUMENT, e);
        }
        List<String> problems = problemsOf(text);
        if (!problems.isEmpty()) {
            throw new AssertionError("The OpenAPI document is not valid: " + problems);
        }
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (METHODS.contains(op.getKey())) {
                String regex = path.getKey().replaceAll("\\{[^/]+}", "[^/]+").replace(".", "\\.");
                operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(),
                        Pattern.compile(regex), op.getValue().get("operationId").asText(), op.getValue()));
            }
        }));
        JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(BASE)
                .setOutputFormat(OutputFormat.Basic);
        schemas = SchemaRepository.create(options);
        schemas.dereference(BASE, JsonSchema.of(new JsonObject(text)));
    }

    /** The validator's findings on the document as a whole (swagger-parser, OpenAPI 3.1). */
    public static List<String> problemsOf(String document) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(document, null, options);
        List<String> problems = new ArrayList<>(result.getMessages() == null ? List.of() : result.getMessages());
        if (result.getOpenAPI() == null) {
            problems.add("not parsed as OpenAPI");
        } else if (!"3.1.0".equals(result.getOpenAPI().getOpenapi())) {
            problems.add("not OpenAPI 3.1.0: " + result.getOpenAPI().getOpenapi());
        }
        return problems;
    }

    public static synchronized OpenApiContract shared() {
        if (shared == null) {
            shared = new OpenApiContract();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::writeCoverage));
        }
        return shared;
    }

    public List<Operation> operations() {
        return operations;
    }

    /** "operationId status" of every response the document declares. */
    public Set<String> documentedResponses() {
        Set<String> all = new TreeSet<>();
        for (Operation operation : operations) {
            operation.node().get("responses").fieldNames().forEachRemaining(status -> all.add(operation.id() + " "
                    + status));
        }
        return all;
    }

    /** The operation the document declares for a request, or null. */
    public Operation find(String method, String path) {
        for (Operation operation : operations) {
            if (operation.method().equals(method) && operation.pattern().matcher(path).matches()) {
                return operation;
            }
        }
        return null;
    }

    /** Holds one response of the API to the document (responses of other paths, e.g. /observe, pass). */
    public void check(String method, URI uri, HttpResult response) {
        String path = uri.getRawPath();
        if (!path.startsWith("/api/") && !path.equals("/api")) {
            return;
        }
        Operation operation = find(method, path);
        if (operation == null) {
            // No route takes it: the router's handlers answer 404/405 problems (Vert.x a bare 414/431 first).
            if (response.status() == 404 || response.status() == 405) {
                requireProblem(method + " " + path, response);
            }
            return;
        }
        String what = method + " " + path + " (" + operation.id() + ") answered " + response.status();
        JsonNode declared = resolve(operation.node().path("responses").path(String.valueOf(response.status())));
        if (declared.isMissingNode()) {
            throw new AssertionError(what + ", a status the OpenAPI document does not declare: " + response.body());
        }
        JsonNode content = declared.path("content");
        String body = response.body();
        if (body != null && !body.isEmpty()) {
            String mediaType = response.contentType() == null ? "" : response.contentType().split(";")[0].strip();
            JsonNode media = content.path(mediaType);
            if (media.isMissingNode()) {
                throw new AssertionError(what + " with " + mediaType + ", not declared (" + content + "): " + body);
            }
            if (mediaType.endsWith("json")) {
                validate(what, media.path("schema"), body);
            }
        } else if (!content.isMissingNode() && content.size() > 0 && !"HEAD".equals(method)) {
            throw new AssertionError(what + " with no body; the document declares " + content.fieldNames().next());
        }
        seen.add(operation.id() + " " + response.status());
    }

    /** Holds a JSON document the API sent outside a plain response (an event's data) to a schema of the document. */
    public void requireSchema(String what, String schemaName, String json) {
        validate(what, new ObjectMapper().createObjectNode().put("$ref", "#/components/schemas/" + schemaName), json);
    }

    private void validate(String what, JsonNode schema, String body) {
        Object instance = new io.vertx.core.json.JsonArray("[" + body + "]").getValue(0);
        JsonObject ref = schema.has("$ref") ? new JsonObject().put("$ref", BASE + schema.get("$ref").asText())
                : new JsonObject(schema.toString().replace("\"#/", "\"" + BASE + "#/"));
        OutputUnit result = schemas.validator(JsonSchema.of(ref)).validate(instance);
        if (!Boolean.TRUE.equals(result.getValid())) {
            StringBuilder errors = new StringBuilder();
            if (result.getErrors() != null) {
                result.getErrors().forEach(error -> errors.append("\n  ").append(error.getInstanceLocation())
                        .append(": ").append(error.getError()));
            }
            throw new AssertionError(what + ": the body does not match the OpenAPI document's schema " + schema
                    + errors + "\n" + body);
        }
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            JsonNode target = document;
            Iterator<String> steps = List.of(node.get("$ref").asText().substring(2).split("/")).iterator();
            while (steps.hasNext()) {
                target = target.path(steps.next());
            }
            node = target;
        }
        return node;
    }

    private static void requireProblem(String what, HttpResult response) {
        if (!"application/problem+json".equals(response.contentType()) || !response.json().has("detail")) {
            throw new AssertionError(what + " is not an RFC 9457 problem: " + response.contentType() + " "
                    + response.body());
        }
    }

    private void writeCoverage() {
        if (seen.isEmpty() || System.getProperty("openapi.coverage") == null) {
            return;
        }
        try {
            Files.createDirectories(COVERAGE);
            Files.write(COVERAGE.resolve(ProcessHandle.current().pid() + ".txt"), new TreeSet<>(seen));
        } catch (IOException e) {
            System.err.println("OpenAPI coverage not written: " + e);
        }
    }

}
