package dev.vigile.identity.clients.boundary;

import dev.vigile.common.web.ClientInfoResolver;
import dev.vigile.identity.clients.control.ClientTokens;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST /oauth2/token}: the client credentials grant (RFC 6749 section 4.4). The client
 * authenticates by HTTP Basic or by {@code client_id}/{@code client_secret} in the form, never
 * both; 200 {@code {access_token, token_type, expires_in}} without a refresh token; errors as
 * section 5.2 says, {@code invalid_client} with 401 and a Basic challenge; 429 with {@code
 * Retry-After} after too many failures from the address.
 */
@WebServlet("/oauth2/token")
public class TokenEndpoint extends HttpServlet {
    static final String GRANT = "client_credentials";

    @Inject
    ClientTokens tokens;

    @Inject
    ClientInfoResolver clients;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Map<String, String> form = OAuthResponses.formOrRefusal(req, res);
        if (form == null) {
            return;
        }
        String grant = form.get("grant_type");
        if (grant == null || grant.isEmpty()) {
            OAuthResponses.error(res, 400, "invalid_request", "grant_type is required.", Map.of());
            return;
        }
        if (!GRANT.equals(grant)) {
            OAuthResponses.error(res, 400, "unsupported_grant_type", "Only client_credentials is supported.", Map.of());
            return;
        }
        String formId = form.get("client_id");
        String formSecret = form.get("client_secret");
        OAuthResponses.Basic basic;
        try {
            basic = OAuthResponses.basic(req.getHeader("Authorization"));
        } catch (IllegalArgumentException e) {
            refuse(res);
            return;
        }
        if (basic != null && (formSecret != null || (formId != null && !formId.equals(basic.clientId())))) {
            OAuthResponses.error(
                    res, 400, "invalid_request", "Use one way of authenticating the client, not two.", Map.of());
            return;
        }
        String clientId = basic != null ? basic.clientId() : formId;
        String secret = basic != null ? basic.secret() : formSecret;
        if (clientId == null || secret == null) {
            refuse(res);
            return;
        }
        String address = clients.of(req).ip();
        ClientTokens.Outcome outcome = tokens.authenticate(clientId, secret, address);
        if (outcome instanceof ClientTokens.Throttled t) {
            OAuthResponses.throttled(res, t.seconds());
            return;
        }
        java.util.Optional<ClientTokens.Issued> issued =
                outcome instanceof ClientTokens.Authenticated a ? tokens.issue(a, address) : java.util.Optional.empty();
        if (issued.isEmpty()) {
            refuse(res);
            return;
        }
        OAuthResponses.json(
                res,
                200,
                Json.createObjectBuilder()
                        .add("access_token", issued.get().accessToken())
                        .add("token_type", "Bearer")
                        .add("expires_in", issued.get().expiresIn())
                        .build(),
                Map.of());
    }

    private static void refuse(HttpServletResponse res) throws IOException {
        OAuthResponses.error(
                res,
                401,
                "invalid_client",
                "Client authentication failed.",
                Map.of("WWW-Authenticate", OAuthResponses.BASIC_CHALLENGE));
    }
}
