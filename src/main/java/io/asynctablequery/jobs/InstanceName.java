package io.asynctablequery.jobs;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The name of this running process in job histories and log lines: its host's name and its process id
 * ({@code host-1234}), so two instances on one host differ too. Read once, at class load.
 */
public final class InstanceName {

    /** This process's name. */
    public static final String NAME = host() + "-" + ProcessHandle.current().pid();

    private InstanceName() {
    }

    private static String host() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return host.strip().replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
