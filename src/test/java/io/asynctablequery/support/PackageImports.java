package io.asynctablequery.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Which of our own packages the main sources of one package import: for the tests that keep a package apart. */
public final class PackageImports {

    /** An import of one of our classes; group 1 is its package below {@code io.asynctablequery}. */
    public static final Pattern OUR_IMPORT = Pattern.compile(
            "(?m)^import (?:static )?io\\.asynctablequery\\.([a-z]+)\\.[\\w.]+;");

    private static final Path MAIN = Path.of("src/main/java/io/asynctablequery");

    private PackageImports() {
    }

    /** The package's source files. */
    public static List<Path> sources(String pkg) {
        try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }  catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Each import by a source of {@code pkg} of a class of ours outside {@code pkg} and {@code allowed}, as
     * "File.java: import ..." mapped to the imported package; empty when the package keeps to them.
     */
    public static Map<String, String> outside(String pkg, List<String> allowed) {
        Map<String, String> found = new TreeMap<>();
        for (Path source : sources(pkg)) {
            Matcher matcher;
            try {
                matcher = OUR_IMPORT.matcher(Files.readString(source));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            while (matcher.find()) {
                if (!matcher.group(1).equals(pkg) && !allowed.contains(matcher.group(1))) {
                    found.put(source.getFileName() + ": " + matcher.group(), matcher.group(1));
                }
            }
        }
        return found;
    }
}
