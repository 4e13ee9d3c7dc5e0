package io.asynctablequery.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tools a test class needs beyond JDK, Maven and Node/npm. Where one is missing the class is reported
 * skipped, with what is missing and how to install it (and listed at the end of the build); with
 * {@code -Dtests.require-tools=true} (as {@code .ci/run} runs the suite) it fails instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NeededTools.class)
public @interface Needs {
    Tool[] value();
}
