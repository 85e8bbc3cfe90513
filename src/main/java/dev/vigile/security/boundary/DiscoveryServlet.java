package dev.vigile.security.boundary;

import dev.vigile.common.web.ClientAddressResolver;
import dev.vigile.security.JwtSettings;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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
    /** A Host header fit to build URLs from: a name or address and a port, nothing else. */
    public static final Pattern HOST =
            Pattern.compile("^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$|^\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?$");

    @Inject
    @ConfigProperties
    JwtSettings settings;

    @Inject
    @ConfigProperty(name = "vigile.public-url")
    Optional<String> publicUrl;

    @Inject
    ClientAddressResolver addresses;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Optional<String> configured =
                publicUrl.map(String::strip).filter(u -> !u.isEmpty()).map(u -> u.replaceAll("/+$", ""));
        String base;
        boolean shared = true;
        if (configured.isPresent()) {
            base = configured.get();
        } else {
            String host = req.getHeader("Host");
            if (host == null || !HOST.matcher(host).matches()) {
                host = req.getServerName() + ":" + req.getServerPort();
            }
            base = (addresses.secure(req) ? "https" : "http") + "://" + host + req.getContextPath();
            res.setHeader("Vary", "Host");
            shared = false;
        }
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
        // The same for everyone: caches may keep it for a few minutes; shared caches only when its
        // URLs come from the configuration, not from a request's Host.
        res.setHeader("Cache-Control", (shared ? "public" : "private") + ", max-age=300");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
