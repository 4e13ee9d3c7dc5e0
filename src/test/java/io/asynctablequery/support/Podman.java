package io.asynctablequery.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The application's image as users run it, with podman (SPEC §13): a base image with Debian's JRE made
 * with {@code mmdebstrap} (once per machine: kept as {@code localhost/jre-base:17}), the image of the
 * {@code Dockerfile} built on it with {@code BASE_IMAGE}, and containers on the host's network (each with
 * ports of its own). The settings this sandbox needs (runc, cgroupfs, host network, ulimits; NOTES.md) are in
 * a containers.conf written to target/.
 */
public final class Podman {

    public static final String BASE_IMAGE = "localhost/jre-base:17";
    public static final String IMAGE = "localhost/async-table-query:test";
    private static final Path CONF = Path.of("target", "podman", "containers.conf");
    private static boolean built;

    private Podman() {
    }

    /** The base image (made when missing) and the application's image from the current jar. */
    public static synchronized void buildImage() {
        if (built) {
            return;
        }
        writeConfiguration();
        if (run(List.of("podman", "image", "exists", BASE_IMAGE), 60).exit() != 0) {
            Path tar = Path.of("target", "podman", "jre-base.tar").toAbsolutePath();
            Result bootstrap = run(List.of("sh", "-c", "mmdebstrap --variant=apt "
                    + "--include=openjdk-17-jre-headless,ca-certificates bookworm " + tar
                    + " < /etc/apt/sources.list.d/debian.sources"), 900);
            check(bootstrap, "mmdebstrap");
            check(run(List.of("podman", "import", tar.toString(), BASE_IMAGE), 300), "podman import");
        }
        check(run(List.of("podman", "build", "--build-arg", "BASE_IMAGE=" + BASE_IMAGE, "-t", IMAGE, "."), 600),
                "podman build");
        built = true;
    }

    /** The image's size in bytes, as podman reports it. */
    public static long imageSize() {
        return Long.parseLong(check(run(List.of("podman", "image", "inspect", "--format", "{{.Size}}", IMAGE), 60),
                "podman image inspect").output().strip());
    }

    /** Starts a container of the image, detached, with these environment variables and podman options. */
    public static void start(String name, Map<String, String> environment, String... options) {
        List<String> command = new ArrayList<>(List.of("podman", "run", "-d", "--name", name));
        command.addAll(List.of(options));
        environment.forEach((key, value) -> command.addAll(List.of("-e", key + "=" + value)));
        command.add(IMAGE);
        check(run(command, 120), "podman run " + name);
    }

    /** Sends SIGTERM to the container's PID 1 (the JVM), as an orchestrator that stops it does. */
    public static void terminate(String name) {
        check(run(List.of("podman", "kill", "--signal", "TERM", name), 60), "podman kill " + name);
    }

    /** Whether the container is still running. */
    public static boolean running(String name) {
        return "true".equals(run(List.of("podman", "inspect", "--format", "{{.State.Running}}", name), 60)
                .output().strip());
    }

    /** Runs a command in the container; its exit code and output. */
    public static Result exec(String name, String... command) {
        List<String> all = new ArrayList<>(List.of("podman", "exec", name));
        all.addAll(List.of(command));
        return run(all, 60);
    }

    /** The container's log so far. */
    public static String logs(String name) {
        return run(List.of("podman", "logs", name), 60).output();
    }

    /** Writes the container's log to target/it-logs/{@code name}.log (read for secrets later) and removes it. */
    public static void remove(String name) {
        try {
            Path logs = Files.createDirectories(Path.of("target", "it-logs"));
            Files.writeString(logs.resolve(name + ".log"), logs(name));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        run(List.of("podman", "rm", "-f", "-t", "0", name), 60);
    }

    /** What a command printed (standard output and error together) and its exit code. */
    public record Result(int exit, String output) {
    }

    private static Result check(Result result, String what) {
        if (result.exit() != 0) {
            throw new IllegalStateException(what + " failed (" + result.exit() + "):\n" + result.output());
        }
        return result;
    }

    private static Result run(List<String> command, int timeoutSeconds) {
        try {
            Path output = Files.createTempFile("podman", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("CONTAINERS_CONF", CONF.toAbsolutePath().toString());
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " took over " + timeoutSeconds + " s");
            }
            String text = Files.readString(output);
            Files.delete(output);
            return new Result(process.exitValue(), text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void writeConfiguration() {
        try {
            Files.createDirectories(CONF.getParent());
            Files.writeString(CONF, """
                    [containers]
                    default_ulimits = ["nofile=10000:10000", "nproc=10000:10000"]
                    netns = "host"
                    [engine]
                    runtime = "runc"
                    cgroup_manager = "cgroupfs"
                    """);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
