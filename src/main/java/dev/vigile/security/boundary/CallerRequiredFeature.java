package dev.vigile.security.boundary;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A resource that names the roles it allows answers a request without a verified caller 401
 * (then {@code WWW-Authenticate: Bearer}), before the roles filter runs. MicroProfile JWT's roles
 * filter would otherwise ask the container to authenticate the request again and, finding no
 * caller, answer 403: {@link BearerTokenAuthModule} already had the request's token in hand.
 */
@Provider
public class CallerRequiredFeature implements DynamicFeature {
  private static final ContainerRequestFilter REQUIRE_CALLER = CallerRequiredFeature::requireCaller;

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    if (requiresRoles(resource.getResourceMethod(), resource.getResourceClass())) {
      context.register(REQUIRE_CALLER, Priorities.AUTHENTICATION);
    }
  }

  /** {@code @RolesAllowed} on the method, or on its class when the method says nothing. */
  static boolean requiresRoles(Method method, Class<?> resourceClass) {
    if (method == null) {
      return false;
    }
    if (method.isAnnotationPresent(RolesAllowed.class)) {
      return true;
    }
    boolean methodDecides = method.isAnnotationPresent(PermitAll.class) || method.isAnnotationPresent(DenyAll.class);
    return !methodDecides && resourceClass != null && resourceClass.isAnnotationPresent(RolesAllowed.class);
  }

  private static void requireCaller(ContainerRequestContext request) {
    if (!(request.getSecurityContext().getUserPrincipal() instanceof JsonWebToken)) {
      throw new NotAuthorizedException(Response.status(Response.Status.UNAUTHORIZED).build());
    }
  }
}
