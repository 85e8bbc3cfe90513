package dev.vigile.identity.clients.control;

import dev.vigile.common.Permissions;
import dev.vigile.identity.sessions.control.TokenRevocation;
import dev.vigile.security.AccessTokenVerifier;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.TreeSet;

/**
 * Token introspection (RFC 7662): whether a token is one Vigile itself would accept now, with the
 * same verification and the same cut-off check as every request, and if so its facts.
 */
@ApplicationScoped
public class Introspection {
    @Inject
    AccessTokenVerifier verifier;

    @Inject
    TokenRevocation revocation;

    static final JsonObject INACTIVE =
            Json.createObjectBuilder().add("active", false).build();

    /** A caller (a service account's bearer token) allowed to introspect: verified, not cut off, holding the permission. */
    public Allowed bearerCaller(String token) {
        if (!(verifier.verify(token) instanceof AccessTokenVerifier.Valid valid)) {
            return Allowed.UNAUTHENTICATED;
        }
        CurrentCaller caller = valid.caller();
        if (revocation.refused(caller)) {
            return Allowed.UNAUTHENTICATED;
        }
        return caller.isClient() && valid.groups().contains(Permissions.TOKENS_INTROSPECT)
                ? Allowed.YES
                : Allowed.FORBIDDEN;
    }

    /** Whether a caller may introspect. */
    public enum Allowed {
        YES,
        UNAUTHENTICATED,
        FORBIDDEN
    }

    /** The answer for this token: {@code {"active": false}} for anything Vigile would refuse. */
    public JsonObject introspect(String token) {
        if (!(verifier.verify(token) instanceof AccessTokenVerifier.Valid valid)
                || revocation.refused(valid.caller())) {
            return INACTIVE;
        }
        org.eclipse.microprofile.jwt.JsonWebToken jwt = valid.token();
        CurrentCaller caller = valid.caller();
        JsonObjectBuilder out = Json.createObjectBuilder().add("active", true);
        out.add("sub", jwt.getSubject());
        if (caller.isClient()) {
            out.add("client_id", caller.clientId());
        } else if (caller.email() != null) {
            out.add("username", caller.email());
        }
        out.add("groups", Json.createArrayBuilder(new TreeSet<>(valid.groups())));
        out.add("iss", jwt.getIssuer());
        java.util.List<String> aud = java.util.List.copyOf(new TreeSet<>(jwt.getAudience()));
        out.add(
                "aud",
                aud.size() == 1
                        ? Json.createValue(aud.get(0))
                        : Json.createArrayBuilder(aud).build());
        out.add("exp", jwt.getExpirationTime());
        out.add("iat", jwt.getIssuedAtTime());
        out.add("jti", jwt.getTokenID());
        if (caller.sessionId() != null) {
            out.add("sid", caller.sessionId().toString());
        }
        if (jwt.getClaim("amr") instanceof jakarta.json.JsonArray amr) {
            out.add("amr", amr);
        }
        out.add("token_type", "Bearer");
        return out.build();
    }
}
