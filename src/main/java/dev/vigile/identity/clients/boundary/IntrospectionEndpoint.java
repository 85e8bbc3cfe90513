package dev.vigile.identity.clients.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.common.web.ClientInfoResolver;
import dev.vigile.identity.clients.control.ClientTokens;
import dev.vigile.identity.clients.control.Introspection;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST /oauth2/introspect} (RFC 7662): for a service account holding {@code
 * tokens:introspect}, authenticated by HTTP Basic or by its bearer token. 200 {@code {"active":
 * false}} for any token Vigile would refuse, else its facts; 401 unauthenticated; 403 a caller
 * without the permission (users included: introspection is for services); never cached.
 */
@WebServlet("/oauth2/introspect")
public class IntrospectionEndpoint extends HttpServlet {
    static final String CHALLENGE = OAuthResponses.BASIC_CHALLENGE + ", Bearer realm=\"vigile\"";

    @Inject
    ClientTokens tokens;

    @Inject
    Introspection introspection;

    @Inject
    ClientInfoResolver clients;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String header = req.getHeader("Authorization");
        Introspection.Allowed allowed;
        if (OAuthResponses.bearer(header)) {
            allowed = introspection.bearerCaller(header.substring(7).strip());
        } else {
            OAuthResponses.Basic basic;
            try {
                basic = OAuthResponses.basic(header);
            } catch (IllegalArgumentException e) {
                basic = null;
            }
            if (basic == null) {
                unauthenticated(res);
                return;
            }
            ClientTokens.Outcome outcome = tokens.authenticate(
                    basic.clientId(), basic.secret(), clients.of(req).ip());
            if (outcome instanceof ClientTokens.Throttled t) {
                OAuthResponses.throttled(res, t.seconds());
                return;
            }
            java.util.Optional<java.util.List<String>> held = outcome instanceof ClientTokens.Authenticated a
                    ? tokens.permissions(a)
                    : java.util.Optional.empty();
            allowed = held.isEmpty()
                    ? Introspection.Allowed.UNAUTHENTICATED
                    : held.get().contains(Permissions.TOKENS_INTROSPECT)
                            ? Introspection.Allowed.YES
                            : Introspection.Allowed.FORBIDDEN;
        }
        switch (allowed) {
            case UNAUTHENTICATED -> unauthenticated(res);
            case FORBIDDEN ->
                OAuthResponses.error(
                        res,
                        403,
                        "insufficient_scope",
                        "Introspection needs a service account holding " + Permissions.TOKENS_INTROSPECT + ".",
                        Map.of());
            case YES -> {
                Map<String, String> form = OAuthResponses.formOrRefusal(req, res);
                if (form == null) {
                    return;
                }
                String token = form.get("token");
                if (token == null || token.isEmpty()) {
                    OAuthResponses.error(res, 400, "invalid_request", "token is required.", Map.of());
                    return;
                }
                OAuthResponses.json(res, 200, introspection.introspect(token), Map.of());
            }
        }
    }

    private static void unauthenticated(HttpServletResponse res) throws IOException {
        OAuthResponses.error(
                res,
                401,
                "invalid_client",
                "Authenticate as a service account.",
                Map.of("WWW-Authenticate", CHALLENGE));
    }
}
