package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The route files stay valid for Camel's tooling (editors, Kaoto): each file of routes/ validates against the
 * Camel YAML DSL JSON schema shipped in camel-yaml-dsl 4.17 (schema/camelYamlDsl.json).
 */
class RouteFilesTest {

    private final Validator schema = camelYamlDslSchema();

    @Test
    void everyRouteFileValidatesAgainstTheCamelYamlDslSchema() throws IOException {
        List<Path> files;
        try (Stream<Path> listed = Files.list(Path.of("routes"))) {
            files = listed.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 10, "route files: " + files);
        for (Path file : files) {
            OutputUnit result = schema.validate(asJson(Files.readString(file)));
            assertTrue(Boolean.TRUE.equals(result.getValid()), file + ": " + errors(result));
        }
    }

    @Test
    void aRouteTheSchemaDoesNotKnowIsFound() {
        String misspelt = "- route:\n    id: x\n    from:\n      uri: direct:x\n      stepz:\n        - log: hi\n";
        assertFalse(Boolean.TRUE.equals(schema.validate(asJson(misspelt)).getValid()));
        String unknownStep = "- route:\n    id: x\n    from:\n      uri: direct:x\n      steps:\n        - lgo: hi\n";
        assertFalse(Boolean.TRUE.equals(schema.validate(asJson(unknownStep)).getValid()));
    }

    private static Object asJson(String yaml) {
        return new JsonArray((List<?>) new Load(LoadSettings.builder().build()).loadFromString(yaml)).copy();
    }

    private static String errors(OutputUnit result) {
        StringBuilder text = new StringBuilder();
        if (result.getErrors() != null) {
            result.getErrors().forEach(e -> text.append("\n  ").append(e.getInstanceLocation()).append(": ")
                    .append(e.getError()));
        }
        return text.toString();
    }

    private static Validator camelYamlDslSchema() {
        try (InputStream in = RouteFilesTest.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return Validator.create(JsonSchema.of(schema), new JsonSchemaOptions().setDraft(Draft.DRAFT4)
                    .setBaseUri("https://camel.apache.org/schema/camelYamlDsl.json").setOutputFormat(OutputFormat.Basic));
        } catch (IOException | NullPointerException e) {
            throw new AssertionError("camel-yaml-dsl's schema/camelYamlDsl.json is not on the class path", e);
        }
    }
}
