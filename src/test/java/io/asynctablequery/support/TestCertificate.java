package io.asynctablequery.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1, made by the JDK's {@code keytool} for one test run: the server's key
 * store (PKCS12, which Azurite takes as {@code --cert x.pfx --pwd}) and a trust store holding only its
 * certificate, which an application JVM is given with {@link #trustingJvmOptions()}.
 */
public final class TestCertificate {

    private static final String PASSWORD = "test-only-store";
    private static TestCertificate made;

    private final Path keyStore;
    private final Path trustStore;
    private final Path certificate;

    private TestCertificate(Path dir) {
        this.keyStore = dir.resolve("server.p12");
        this.trustStore = dir.resolve("trust.p12");
        this.certificate = dir.resolve("server.pem");
    }

    /** The certificate of this test JVM, made on first use. */
    public static synchronized TestCertificate forLoopback() {
        if (made == null) {
            try {
                made = new TestCertificate(Files.createTempDirectory("test-certificate"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            made.keytool("-genkeypair", "-alias", "loopback", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", made.keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
            made.keytool("-exportcert", "-rfc", "-alias", "loopback", "-keystore", made.keyStore.toString(),
                    "-storepass", PASSWORD, "-file", made.certificate.toString());
            made.keytool("-importcert", "-noprompt", "-alias", "loopback", "-file", made.certificate.toString(),
                    "-storetype", "PKCS12", "-keystore", made.trustStore.toString(), "-storepass", PASSWORD);
        }
        return made;
    }

    public Path keyStore() {
        return keyStore;
    }

    public Path certificate() {
        return certificate;
    }

    public String password() {
        return PASSWORD;
    }

    /** The options that make a JVM trust this certificate (and only it). */
    public List<String> trustingJvmOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    private void keytool(String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
