package example.resource;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * A service that trusts Vigile's tokens with plain MicroProfile JWT. {@code @ApplicationScoped}
 * is not decoration: Payara reads {@code @LoginConfig} only from a class its CDI container
 * discovers, and without it every {@code @RolesAllowed} route refuses every token.
 */
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT")
@ApplicationScoped
@DeclareRoles({"USER", "ADMIN", "users:read"})
public class ResourceApplication extends Application {}
