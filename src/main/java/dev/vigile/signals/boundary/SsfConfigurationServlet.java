package dev.vigile.signals.boundary;

import dev.vigile.signals.control.EventTypes;
import jakarta.json.Json;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /.well-known/ssf-configuration} (SSF 1.0 section 7): the transmitter's metadata. The
 * URLs are under {@code VIGILE_PUBLIC_URL}, else under the request's own origin.
 */
@WebServlet("/.well-known/ssf-configuration")
public class SsfConfigurationServlet extends HttpServlet {
    @jakarta.inject.Inject
    dev.vigile.security.AccessTokenIssuer issuer;

    @jakarta.inject.Inject
    dev.vigile.security.PublicBase bases;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String base = bases.of(req);
        var body = Json.createObjectBuilder()
                .add("spec_version", "1_0")
                .add("issuer", issuer.issuerName())
                .add("jwks_uri", base + "/.well-known/jwks.json")
                .add(
                        "delivery_methods_supported",
                        Json.createArrayBuilder().add(EventTypes.PUSH).add(EventTypes.POLL))
                .add("configuration_endpoint", base + "/ssf/streams")
                .add("status_endpoint", base + "/ssf/status")
                .add("verification_endpoint", base + "/ssf/verify")
                .add("add_subject_endpoint", base + "/ssf/subjects:add")
                .add("remove_subject_endpoint", base + "/ssf/subjects:remove")
                .add("default_subjects", "ALL")
                .add(
                        "authorization_schemes",
                        Json.createArrayBuilder().add(Json.createObjectBuilder().add("spec_urn", "urn:ietf:rfc:6749")))
                .build();
        bases.cacheHeaders(res);
        SsfServlet.json(res, 200, body);
    }
}
