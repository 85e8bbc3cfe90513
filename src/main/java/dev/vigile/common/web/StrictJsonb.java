package dev.vigile.common.web;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * JSON-B as the API wants it: unknown properties are an error (so a body naming a field the caller
 * may not set is refused, not silently ignored), nulls are left out.
 */
@Provider
public class StrictJsonb implements ContextResolver<Jsonb> {

    /** Yasson's switch for refusing unknown properties. */
    static final String FAIL_ON_UNKNOWN_PROPERTIES = "jsonb.fail-on-unknown-properties";

    private static final Jsonb JSONB =
            JsonbBuilder.create(new JsonbConfig().withNullValues(false).setProperty(FAIL_ON_UNKNOWN_PROPERTIES, true));

    /** The shared instance, also used outside JAX-RS (error pages, JWKS). */
    public static Jsonb jsonb() {
        return JSONB;
    }

    @Override
    public Jsonb getContext(Class<?> type) {
        return JSONB;
    }
}
