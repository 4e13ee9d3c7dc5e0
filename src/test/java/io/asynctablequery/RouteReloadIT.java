package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asynctablequery.support.AppProcess;
import io.asynctablequery.support.Azurite;
import io.asynctablequery.support.HttpResult;
import io.asynctablequery.support.Wait;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Live route edits (SPEC §13): {@code ./run.sh --dev} serves a saved change of a route file without a restart,
 * and a file that does not parse leaves the running routes as they were, with its line and column in the log.
 * The instance runs from a copy of {@code routes/}, which the test edits.
 */
class RouteReloadIT {

    private static final String ROUTE = "openapi.camel.yaml";
    private static final String SERVE = """
                    - bean:
                        ref: openApiDocument
                        method: serve
            """;

    @Test
    void aSavedRouteFileIsServedWithoutARestartAndABrokenOneChangesNothing() throws Exception {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Path routes = copyOfTheRoutes(Path.of("target", "reload-" + suffix));
        String original = Files.readString(routes.resolve(ROUTE));
        assertTrue(original.contains(SERVE), "the route's step as the test knows it");

        try (AppProcess app = AppProcess.startRunScript("reload-" + suffix, List.of("--dev",
                        "-Dcamel.main.routes-include-pattern=file:" + routes.toAbsolutePath() + "/*.camel.yaml",
                        "-Dcamel.main.routes-reload-directory=" + routes.toAbsolutePath(),
                        "-Daudit.table-name=demo" + suffix),
                Map.of("AZURE_STORAGE_CONNECTION_STRING", Azurite.shared().connectionString()))) {
            assertNull(document(app).header("X-Route-Edit"));

            save(routes, original.replace(SERVE, SERVE + withHeader("first")));
            Wait.until("the edited route served", Duration.ofSeconds(30),
                    () -> "200 first".equals(served(app)));
            assertEquals(200, app.api.get("/api/status?top=1").status(), "the other routes go on");

            String broken = original.replace(SERVE, SERVE + withHeader("second").replace("  constant", " constant"));
            save(routes, broken);
            Pattern lineAndColumn = Pattern.compile("in file:\\S*" + Pattern.quote(ROUTE) + ", line \\d+, column \\d+");
            Wait.until("the log naming the broken file's line and column", Duration.ofSeconds(30),
                    () -> lineAndColumn.matcher(app.log()).find());
            assertTrue(app.log().contains("Error reloading routes from file: " + routes.toAbsolutePath().resolve(ROUTE)));
            assertEquals("first", document(app).header("X-Route-Edit"), "the running route as it was");
            assertEquals(200, document(app).status());

            save(routes, original.replace(SERVE, SERVE + withHeader("third")));
            Wait.until("the mended route served", Duration.ofSeconds(30),
                    () -> "200 third".equals(served(app)));
        }
    }

    /** Saves the route file as editors do: written beside it, then moved over it in one step. */
    private static void save(Path routes, String content) throws IOException {
        Path written = Files.writeString(routes.resolve(ROUTE + ".saving"), content);
        Files.move(written, routes.resolve(ROUTE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static HttpResult document(AppProcess app) {
        return app.api.get("/api/openapi.json");
    }

    /**
     * The route's header as served now, read outside the contract checks: while Camel swaps the file's routes
     * the path answers 404 for a moment, which is no answer of the route. Over HTTP/1.1: Java 17's client, asked
     * for HTTP/2 on a new connection ({@code h2c} upgrade), now and then misreads a first answer longer than
     * 64 KiB (this document is 77 KB) as frames it is not (README, "Slow clients").
     */
    private static String served(AppProcess app) {
        try {
            HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<Void> answer = http1.send(HttpRequest.newBuilder(URI.create(app.api.base()
                    + "/api/openapi.json")).build(), HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() + " " + answer.headers().firstValue("X-Route-Edit").orElse("");
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String withHeader(String value) {
        return """
                        - setHeader:
                            name: X-Route-Edit
                            constant: "%s"
                """.formatted(value);
    }

    private static Path copyOfTheRoutes(Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return target;
    }
}
