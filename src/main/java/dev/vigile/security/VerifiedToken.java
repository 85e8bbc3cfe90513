package dev.vigile.security;

import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.security.enterprise.CallerPrincipal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;

/**
 * An access token {@link AccessTokenVerifier} has verified, as MicroProfile JWT's {@link
 * JsonWebToken}: the caller principal of a request authenticated by {@code
 * dev.vigile.security.boundary.BearerTokenAuthModule}. Claims follow MicroProfile JWT's typing: the
 * time claims as {@code Long}, {@code groups} and {@code aud} as a set of strings, any other string
 * as a {@code String}, and any other value as its {@code jakarta.json} type.
 */
public final class VerifiedToken extends CallerPrincipal implements JsonWebToken {
    private static final JsonProvider JSON = JsonProvider.provider();

    private static final long serialVersionUID = 1L;

    // Transient: a principal may be serialized with its subject; the token is then not carried.
    private final transient String raw;
    private final transient JwtClaims claims;
    private final transient CurrentCaller caller;
    private final transient Set<String> groups;

    VerifiedToken(String raw, JwtClaims claims, CurrentCaller caller, Set<String> groups) {
        super(nameOf(claims));
        this.raw = raw;
        this.claims = claims;
        this.caller = caller;
        this.groups = groups;
    }

    /** MicroProfile JWT's caller name: {@code upn}, else {@code preferred_username}, else {@code sub}. */
    private static String nameOf(JwtClaims claims) {
        for (String claim : List.of(Claims.upn.name(), Claims.preferred_username.name(), Claims.sub.name())) {
            if (claims.getClaimValue(claim) instanceof String s) {
                return s;
            }
        }
        return null;
    }

    /** The caller as Vigile reads it (user, session, token generation). */
    public CurrentCaller caller() {
        return caller;
    }

    @Override
    public Set<String> getGroups() {
        return groups;
    }

    @Override
    public Set<String> getClaimNames() {
        Set<String> names = new HashSet<>(claims.getClaimNames());
        names.add(Claims.raw_token.name());
        return names;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getClaim(String claimName) {
        if (Claims.raw_token.name().equals(claimName)) {
            return (T) raw;
        }
        if (Claims.groups.name().equals(claimName)) {
            return (T) groups;
        }
        Object value = claims.getClaimValue(claimName);
        if (value == null) {
            return null;
        }
        Claims standard = standard(claimName);
        if (standard != null && standard.getType() == Long.class && value instanceof Number n) {
            return (T) Long.valueOf(n.longValue());
        }
        if (standard != null && standard.getType() == Set.class) {
            return (T) (value instanceof List<?> list ? stringSet(list) : Set.of(String.valueOf(value)));
        }
        if (value instanceof String s) {
            return (T) s;
        }
        return (T) json(value);
    }

    private static Claims standard(String name) {
        try {
            return Claims.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Set<String> stringSet(List<?> list) {
        Set<String> set = new HashSet<>();
        list.forEach(v -> set.add(String.valueOf(v)));
        return Set.copyOf(set);
    }

    /** jose4j's parsed JSON (Long, Double, Boolean, List, Map) as jakarta.json values. */
    private static JsonValue json(Object value) {
        if (value instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (value instanceof Long || value instanceof Integer) {
            return JSON.createValue(((Number) value).longValue());
        }
        if (value instanceof Number n) {
            return JSON.createValue(n.doubleValue());
        }
        if (value instanceof String s) {
            return JSON.createValue(s);
        }
        if (value instanceof List<?> list) {
            var array = JSON.createArrayBuilder();
            list.forEach(v -> array.add(v == null ? JsonValue.NULL : json(v)));
            return array.build();
        }
        if (value instanceof Map<?, ?> map) {
            var object = JSON.createObjectBuilder();
            map.forEach((k, v) -> object.add(String.valueOf(k), v == null ? JsonValue.NULL : json(v)));
            return object.build();
        }
        return JSON.createValue(String.valueOf(value));
    }

    @Override
    public String toString() {
        // Never the token itself: a principal ends up in log lines.
        return "VerifiedToken[" + getName() + "]";
    }
}
