package dev.vigile.security.boundary;

import dev.vigile.security.JwtSettings;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * {@code GET /.well-known/oauth-authorization-server} (RFC 8414) and {@code GET
 * /.well-known/openid-configuration}: the same document, listing only what Vigile does: its
 * issuer, its keys, the token endpoint (client credentials, client secret by Basic or in the form)
 * and introspection. No authorization endpoint, no ID tokens, no scopes: none are claimed. The
 * URLs are under {@code VIGILE_PUBLIC_URL}, else under the request's own origin (and then the
 * answer varies with the {@code Host}).
 */
@WebServlet({"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"})
public class DiscoveryServlet extends HttpServlet {
    @Inject
    @ConfigProperties
    JwtSettings settings;

    @Inject
    dev.vigile.security.PublicBase bases;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String base = bases.of(req);
        String issuer = settings.issuer();
        byte[] body = Json.createObjectBuilder()
                .add("issuer", issuer)
                .add("jwks_uri", base + "/.well-known/jwks.json")
                .add("token_endpoint", base + "/oauth2/token")
                .add("introspection_endpoint", base + "/oauth2/introspect")
                .add("grant_types_supported", Json.createArrayBuilder().add("client_credentials"))
                .add(
                        "token_endpoint_auth_methods_supported",
                        Json.createArrayBuilder().add("client_secret_basic").add("client_secret_post"))
                .add(
                        "introspection_endpoint_auth_methods_supported",
                        Json.createArrayBuilder().add("client_secret_basic"))
                .add("response_types_supported", Json.createArrayBuilder())
                .build()
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        bases.cacheHeaders(res);
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
