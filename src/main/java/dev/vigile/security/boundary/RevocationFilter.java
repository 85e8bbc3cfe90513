package dev.vigile.security.boundary;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.ProblemResponses;
import dev.vigile.common.problem.ProblemTypes;
import dev.vigile.security.control.CurrentCaller;
import dev.vigile.security.control.TokenRevocation;
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
    Principal principal = context.getSecurityContext().getUserPrincipal();
    if (!(principal instanceof JsonWebToken jwt)) {
      return;
    }
    CurrentCaller caller = CurrentCaller.of(jwt);
    if (caller == null || revocation.refused(caller.userId(), caller.sessionId(), jwt.getIssuedAtTime())) {
      context.abortWith(
          ProblemResponses.of(
              ApplicationException.unauthorized(
                  ProblemTypes.UNAUTHORIZED, "Unauthorized", "The access token has been revoked."),
              request));
    }
  }
}
