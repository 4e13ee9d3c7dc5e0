package io.asynctablequery;

import org.apache.camel.main.Main;

/** Runs the application with Camel Main, reading {@code ./application.properties}. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:application.properties");
        main.run(args);
    }
}
