package io.asynctablequery;

import java.io.IOException;
import java.io.InputStream;

/** Files the application ships in its own resources (src/main/resources), read whole. */
public final class Resources {

    private Resources() {
    }

    /** The bytes of a resource; a missing one fails the start-up with its name. */
    public static byte[] bytes(String path) {
        try (InputStream in = Resources.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the application's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + path, e);
        }
    }
}
