package io.asynctablequery.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The application's one {@link ObjectMapper}: the API's documents, the job tickets, the webhook deliveries and the
 * identity provider's metadata are written and read with it, and it is bound in the registry as
 * {@value #BEAN} for the routes' {@code json} data format. Times are ISO-8601 text.
 */
public final class Json {

    public static final String BEAN = "jsonMapper";

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private Json() {
    }
}
