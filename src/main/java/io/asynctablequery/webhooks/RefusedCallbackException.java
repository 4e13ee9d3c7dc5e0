package io.asynctablequery.webhooks;

/** A callback URL that may not be called: refused at submit (400), or its delivery abandoned. */
public class RefusedCallbackException extends RuntimeException {
    public RefusedCallbackException(String why) {
        super(why, null, false, false);
    }
}
