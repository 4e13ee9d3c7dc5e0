package io.asynctablequery.auth;

/**
 * A request without a valid credential: the API answers {@code 401} with a problem that says only "missing or
 * invalid credential" (never why: the log says that, without the credential), and with the challenge, when there
 * is one, in {@code WWW-Authenticate}.
 */
public class UnauthenticatedException extends RuntimeException {

    private final String challenge;

    /** @param challenge the {@code WWW-Authenticate} scheme ({@code Bearer} for tokens); null for none */
    public UnauthenticatedException(String challenge) {
        super("Missing or invalid credential.", null, false, false);
        this.challenge = challenge;
    }

    /** The {@code WWW-Authenticate} value, or null. */
    public String challenge() {
        return challenge;
    }
}
