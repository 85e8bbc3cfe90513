package dev.vigile.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The JAX-RS application at {@code /api}, with MicroProfile JWT's login configuration: the caller
 * is a {@code JsonWebToken} and {@code @RolesAllowed} checks its groups. The class is a CDI bean
 * because Payara only finds {@code @LoginConfig} on one. The bearer token itself is verified by
 * Vigile's own authentication module ({@code BearerTokenAuthModule}, see there why).
 */
@ApplicationScoped
@ApplicationPath("/api")
@LoginConfig(authMethod = "MP-JWT", realmName = "vigile")
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
