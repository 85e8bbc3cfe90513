package dev.vigile.identity.sessions.boundary;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.ProblemResponses;
import dev.vigile.common.problem.ProblemTypes;
import dev.vigile.identity.sessions.control.TokenRevocation;
import dev.vigile.security.CurrentCaller;
import dev.vigile.security.boundary.AccessRulesFeature;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Refuses, with 401, an access token whose signature is valid but that has been cut off (logout,
 * logout-all, revoked session, deleted or disabled user), wherever the resource asks for a caller.
 * Runs right after the roles check ({@code AccessRulesFeature}), once the caller is known.
 */
@Provider
@Priority(Priorities.AUTHORIZATION + 1)
public class RevocationFilter implements ContainerRequestFilter {
    @Inject
    TokenRevocation revocation;

    @Context
    HttpServletRequest request;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext context) {
        if (context.getSecurityContext().getUserPrincipal() instanceof JsonWebToken jwt) {
            // A property of a request served through the servlet container is an attribute of its
            // servlet request, where the request log reads it; set here rather than through the
            // injected request's proxy, which costs a lookup in Jersey's request scope (2 % of a
            // GET /api/users/me, docs/performance.md).
            context.setProperty(dev.vigile.platform.observability.RequestLogFilter.USER_ATTRIBUTE, jwt.getSubject());
        }
        // Open routes (none of them reads a caller) answer as for anyone: a client that still sends
        // its cut-off token signs in and refreshes again.
        if (!AccessRulesFeature.open(resource)
                && refused(revocation, context.getSecurityContext().getUserPrincipal())) {
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
        return revocation.refused(caller);
    }
}
