package io.asynctablequery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes deployment of {@code deploy/kubernetes} (SPEC §13): every manifest is valid against the
 * Kubernetes and KEDA schemas (the kubernetes-models packages, run by {@code scripts/validate-manifests.mjs}),
 * and what must agree with the application does: ports and probe paths, the grace, the queue and the number of
 * workers, the settings' names, the user and the read-only filesystem of the Dockerfile.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("deploy", "kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyManifestIsValidAgainstTheKubernetesAndKedaSchemas() throws Exception {
        Process node = new ProcessBuilder("node", "scripts/validate-manifests.mjs", DIR.toString())
                .redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes());
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "the validator did not end");

        assertEquals(0, node.exitValue(), output);
        for (String file : manifests()) {
            assertTrue(output.lines().anyMatch(line -> line.startsWith(file + ": ") && line.endsWith(" valid")),
                    file + " not validated:\n" + output);
        }
    }

    @Test
    void theKustomizationAppliesEveryManifest() throws IOException {
        Set<String> resources = new HashSet<>();
        read("kustomization.yaml").get("resources").forEach(resource -> resources.add(resource.asText()));

        assertEquals(Set.copyOf(manifests()), resources);
    }

    @Test
    void theDeploymentAgreesWithTheApplicationAndTheImage() throws IOException {
        Properties app = applicationProperties();
        JsonNode pod = read("deployment.yaml").at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        JsonNode settings = read("configmap.yaml").get("data");

        assertEquals(app.getProperty("camel.server.port"), port(container, "http"));
        assertEquals(app.getProperty("camel.management.port"), port(container, "management"));
        String health = app.getProperty("camel.management.health-path");
        assertEquals(health + "/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals(health + "/live", container.at("/livenessProbe/httpGet/path").asText());
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertEquals("management", container.at("/" + probe + "/httpGet/port").asText(), probe);
        }
        assertTrue(container.at("/readinessProbe/timeoutSeconds").asInt()
                > Duration.parse(app.getProperty("api.storage-timeout")).toSeconds(), "readiness waits out a probe");
        long grace = Duration.parse(settings.get("JOBS_SHUTDOWN_GRACE").asText()).toSeconds();
        assertTrue(pod.get("terminationGracePeriodSeconds").asLong() >= grace + 10,
                "terminationGracePeriodSeconds below jobs.shutdown-grace + 10 s");

        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
        assertEquals(dockerfileUser(), pod.at("/securityContext/runAsUser").asText());
        assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean());
        assertFalse(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
        String tmpVolume = container.at("/volumeMounts/0/name").asText();
        assertEquals("/tmp", container.at("/volumeMounts/0/mountPath").asText());
        assertTrue(pod.at("/volumes/0/emptyDir").isObject() && tmpVolume.equals(pod.at("/volumes/0/name").asText()));
        for (String kind : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                assertFalse(container.at("/resources/" + kind + "/" + resource).asText().isEmpty(), kind + " " + resource);
            }
        }

        assertEquals(read("configmap.yaml").at("/metadata/name").asText(),
                container.at("/envFrom/0/configMapRef/name").asText());
        assertEquals(read("serviceaccount.yaml").at("/metadata/name").asText(), pod.get("serviceAccountName").asText());
        assertEquals("true", read("deployment.yaml")
                .at("/spec/template/metadata/labels/azure.workload.identity~1use").asText());
        assertFalse(read("serviceaccount.yaml").at("/metadata/annotations/azure.workload.identity~1client-id")
                .asText().isEmpty());
        assertEquals("default-azure-credential", settings.get("AZURE_STORAGE_CREDENTIAL_TYPE").asText());
    }

    @Test
    void theScaledObjectScalesTheDeploymentOnItsJobQueue() throws IOException {
        JsonNode scaled = read("scaledobject.yaml").get("spec");
        JsonNode settings = read("configmap.yaml").get("data");
        JsonNode trigger = scaled.at("/triggers/0");

        assertEquals(read("deployment.yaml").at("/metadata/name").asText(), scaled.at("/scaleTargetRef/name").asText());
        assertEquals("azure-queue", trigger.get("type").asText());
        assertEquals(settings.get("JOBS_QUEUE_NAME").asText(), trigger.at("/metadata/queueName").asText());
        assertEquals(settings.get("JOBS_WORKERS").asText(), trigger.at("/metadata/queueLength").asText(),
                "one pod per jobs.workers jobs");
        assertEquals(settings.get("AZURE_STORAGE_ACCOUNT_NAME").asText(), trigger.at("/metadata/accountName").asText());
        assertEquals(read("triggerauthentication.yaml").at("/metadata/name").asText(),
                trigger.at("/authenticationRef/name").asText());
        assertEquals("azure-workload", read("triggerauthentication.yaml").at("/spec/podIdentity/provider").asText());
        assertTrue(read("deployment.yaml").at("/spec/replicas").isMissingNode(), "KEDA sets the replicas");
        assertEquals(read("deployment.yaml").at("/spec/selector/matchLabels"),
                read("poddisruptionbudget.yaml").at("/spec/selector/matchLabels"));
    }

    /** A misspelt setting in the ConfigMap would be ignored by the pods: each names a setting of the application. */
    @Test
    void everySettingOfTheConfigMapIsOneOfTheApplications() throws IOException {
        Set<String> known = new HashSet<>(List.of("LOG_FORMAT", "LOG_LEVEL"));
        Matcher property = Pattern.compile("(?m)^#?([a-z][a-z0-9.-]*)=").matcher(
                Files.readString(Path.of("application.properties")));
        while (property.find()) {
            known.add(property.group(1).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }

        read("configmap.yaml").get("data").fieldNames().forEachRemaining(name ->
                assertTrue(known.contains(name), name + " is no setting of application.properties"));
    }

    @Test
    void theImageIsBuiltAsTheSpecSays() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));

        assertTrue(dockerfile.contains("ARG BASE_IMAGE=eclipse-temurin:17-jre\nFROM ${BASE_IMAGE}\n"), dockerfile);
        assertTrue(dockerfile.contains("\nEXPOSE 8080 9876\n"), dockerfile);
        assertTrue(dockerfile.contains("\nENTRYPOINT [\"java\", \"-XX:MaxRAMPercentage="), "java as PID 1, heap "
                + "from the container's limit");
        assertTrue(Files.readAllLines(Path.of(".dockerignore")).contains("*"), "a small build context");
    }

    private static String dockerfileUser() throws IOException {
        Matcher user = Pattern.compile("(?m)^USER (\\d+):\\d+$").matcher(Files.readString(Path.of("Dockerfile")));
        assertTrue(user.find(), "a numeric USER in the Dockerfile");
        return user.group(1);
    }

    private static String port(JsonNode container, String name) {
        for (JsonNode port : container.get("ports")) {
            if (name.equals(port.get("name").asText())) {
                return port.get("containerPort").asText();
            }
        }
        throw new AssertionError("no port " + name);
    }

    private static List<String> manifests() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml")).sorted().toList();
        }
    }

    private static JsonNode read(String file) throws IOException {
        return YAML.readTree(DIR.resolve(file).toFile());
    }

    private static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("application.properties"))) {
            properties.load(reader);
        }
        return properties;
    }
}
