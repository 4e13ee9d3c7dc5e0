package io.asynctablequery.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs a {@link Needs} test class only where its tools are present. Otherwise the class is skipped with the
 * reason, written to the report directory ({@value #REPORT}, which the build prints at its end), or, under
 * {@value #REQUIRE} (CI), fails with the same reason: in CI a test that did not run is a failure. Settings are
 * JUnit configuration parameters, which fall back to system properties ({@code mvn verify -D…}).
 */
public final class NeededTools implements ExecutionCondition {

    /** Set to true, every missing tool fails the build instead of skipping its tests. */
    public static final String REQUIRE = "tests.require-tools";
    /** The directory where each skipped class leaves one line saying why (set by the pom). */
    public static final String REPORT = "tests.not-run-report";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Needs> needs = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Needs.class);
        if (needs.isEmpty() || context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("decided for the class");
        }
        ToolSearch search = ToolSearch.of(context::getConfigurationParameter);
        List<String> missing = new ArrayList<>();
        List<String> install = new ArrayList<>();
        for (Tool tool : needs.get().value()) {
            List<String> absent = tool.missing(search);
            if (!absent.isEmpty()) {
                missing.addAll(absent);
                install.add(tool.install());
            }
        }
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("its tools are present");
        }
        String name = context.getRequiredTestClass().getSimpleName();
        String reason = name + " did not run: " + String.join(", ", missing) + " not found; install: "
                + String.join("; ", install);
        if (context.getConfigurationParameter(REQUIRE).or(() -> Optional.ofNullable(System.getenv("TESTS_REQUIRE_TOOLS")))
                .map(Boolean::parseBoolean).orElse(false)) {
            throw new AssertionError(reason + " (" + REQUIRE + " is set: a test that cannot run fails the build)");
        }
        context.getConfigurationParameter(REPORT).ifPresent(dir -> report(Path.of(dir), name, reason));
        return ConditionEvaluationResult.disabled(reason);
    }

    private static void report(Path dir, String testClass, String reason) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(testClass + ".txt"), reason + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("the report of tests not run: " + dir, e);
        }
    }
}
