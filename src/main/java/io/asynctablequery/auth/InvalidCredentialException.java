package io.asynctablequery.auth;

/** A request without a valid credential. The message says why, for the log only: the client is told less. */
public class InvalidCredentialException extends RuntimeException {
    public InvalidCredentialException(String why) {
        super(why, null, false, false);
    }
}
