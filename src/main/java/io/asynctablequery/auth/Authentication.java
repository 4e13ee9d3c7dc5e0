package io.asynctablequery.auth;

import io.asynctablequery.ExchangeProperties;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who calls ({@code api.auth}): the first step of every API route (the {@code api} route configuration's
 * {@code interceptFrom}), before any route logic. It puts the {@link Caller} into the exchange property
 * {@code caller}, which the job operations read; a missing or bad credential is a 401 problem that says only
 * "invalid credential" (the log says why, never the credential).
 * <ul>
 *   <li>{@code none}: everyone is the anonymous caller, who may do anything (SPEC §2);</li>
 *   <li>{@code api-key}: exactly one secret, in the {@code x-functions-key} header or the {@code code} query
 *       parameter, one of {@link ApiKeys};</li>
 *   <li>{@code entra-id}: exactly one {@code Authorization: Bearer <JWT>}, checked by {@link EntraTokens}.</li>
 * </ul>
 */
public class Authentication {

    private static final Logger LOG = LoggerFactory.getLogger(Authentication.class);
    private static final int MAX_KEY_LENGTH = 256;
    private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7e]+");

    private final ApiKeys apiKeys;
    private final EntraTokens entraTokens;

    /** Both null: {@code api.auth=none}. */
    public Authentication(ApiKeys apiKeys, EntraTokens entraTokens) {
        this.apiKeys = apiKeys;
        this.entraTokens = entraTokens;
    }

    /**
     * Puts the caller the request's API key or token names ({@link Caller#ANONYMOUS} with {@code api.auth=none}) on
     * the exchange as {@link ExchangeProperties#CALLER}: it runs before every API route's own steps and leaves the
     * body, the request's, alone (a {@code setProperty} with a bean call would copy the whole exchange on every
     * request).
     */
    public void authenticate(Exchange exchange) {
        Caller caller;
        try {
            caller = apiKeys != null ? apiKeys.authenticate(apiKey(request(exchange)))
                    : entraTokens != null ? entraTokens.authenticate(bearerToken(request(exchange)))
                    : Caller.ANONYMOUS;
        } catch (InvalidCredentialException e) {
            LOG.warn("Refused {} {}: {}", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                    exchange.getIn().getHeader(Exchange.HTTP_PATH), e.getMessage());
            throw new UnauthenticatedException(entraTokens != null ? "Bearer" : null);
        }
        exchange.setProperty(ExchangeProperties.CALLER, caller);
    }

    /** The caller {@link #authenticate} put on the exchange ({@link ExchangeProperties#CALLER}). */
    public static Caller caller(Exchange exchange) {
        Caller caller = exchange.getProperty(ExchangeProperties.CALLER, Caller.class);
        if (caller == null) {
            throw new IllegalStateException("The route did not authenticate its caller");
        }
        return caller;
    }

    private static String apiKey(HttpServerRequest request) {
        List<String> presented = new ArrayList<>(request.headers().getAll("x-functions-key"));
        presented.addAll(request.params().getAll("code"));
        if (presented.size() != 1) {
            throw new InvalidCredentialException(presented.isEmpty() ? "no API key" : "more than one API key");
        }
        String key = presented.get(0);
        if (key.length() > MAX_KEY_LENGTH || !VISIBLE_ASCII.matcher(key).matches()) {
            throw new InvalidCredentialException("an API key that is empty, too long or not visible ASCII");
        }
        return key;
    }

    private static String bearerToken(HttpServerRequest request) {
        List<String> authorization = request.headers().getAll("Authorization");
        if (authorization.size() != 1) {
            throw new InvalidCredentialException(authorization.isEmpty() ? "no Authorization header"
                    : "more than one Authorization header");
        }
        String value = authorization.get(0);
        if (!value.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            throw new InvalidCredentialException("an Authorization header that is not Bearer");
        }
        String token = value.substring(7).strip();
        if (token.isEmpty() || token.length() > EntraTokens.MAX_TOKEN_LENGTH) {
            throw new InvalidCredentialException("a bearer token that is empty or too long");
        }
        return token; // its characters are checked before a token not seen yet is parsed
    }

    private static HttpServerRequest request(Exchange exchange) {
        if (exchange.getIn() instanceof HttpMessage http) {
            return http.getRequest();
        }
        throw new IllegalStateException("Not an HTTP request");
    }
}
