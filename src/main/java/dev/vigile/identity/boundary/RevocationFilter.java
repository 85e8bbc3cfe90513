package dev.vigile.identity.boundary;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.ProblemResponses;
import dev.vigile.common.problem.ProblemTypes;
import dev.vigile.security.CurrentCaller;
import dev.vigile.identity.control.TokenRevocation;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Refuses, with 401, an access token whose signature is valid but that has been cut off (logout,
 * logout-all, revoked session, deleted or disabled user). Runs right after MicroProfile JWT has
 * authenticated the request.
 */
@Provider
@Priority(Priorities.AUTHORIZATION + 1)
public class RevocationFilter implements ContainerRequestFilter {
  @Inject TokenRevocation revocation;
  @Context HttpServletRequest request;

  @Override
  public void filter(ContainerRequestContext context) {
    if (context.getSecurityContext().getUserPrincipal() instanceof JsonWebToken jwt) {
      request.setAttribute(dev.vigile.platform.observability.RequestLogFilter.USER_ATTRIBUTE, jwt.getSubject());
    }
    if (refused(revocation, context.getSecurityContext().getUserPrincipal())) {
      context.abortWith(ProblemResponses.of(revoked(), request));
    }
  }

  /** The answer to a cut-off token. */
  public static ApplicationException revoked() {
    return ApplicationException.unauthorized(
        ProblemTypes.UNAUTHORIZED, "Unauthorized", "The access token has been revoked.");
  }

  static boolean refused(TokenRevocation revocation, Principal principal) {
    if (!(principal instanceof JsonWebToken jwt)) {
      return false;
    }
    CurrentCaller caller = CurrentCaller.of(jwt);
    return caller == null
        || revocation.refused(caller.userId(), caller.sessionId(), caller.generation());
  }
}
