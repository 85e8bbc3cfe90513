package dev.vigile.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/**
 * The JAX-RS application at {@code /api}. Its caller is a MicroProfile JWT {@code JsonWebToken}
 * and {@code @RolesAllowed} names groups of that token, as MicroProfile JWT specifies; the token
 * is verified and the annotations enforced by Vigile ({@code BearerTokenAuthModule}, {@code
 * AccessRulesFeature}), not by Payara's MicroProfile JWT, which {@code @LoginConfig} would turn
 * on: see those classes for why.
 */
@ApplicationScoped
@ApplicationPath("/api")
public class VigileApplication extends Application {

    @Override
    public Map<String, Object> getProperties() {
        return Map.of(
                // Without this, an error status from a resource becomes Payara's HTML error page.
                "jersey.config.server.response.setStatusOverSendError", true,
                "jersey.config.server.wadl.disableWadl", true,
                // Location headers stay as written (relative, RFC 9110 section 10.2.2): resolved against
                // the request they would repeat its Host header, whatever a client put there.
                "jersey.config.server.headers.location.relative.resolution.disabled", true,
                "jersey.config.beanValidation.enableOutputValidationErrorEntity.server", false);
    }
}
