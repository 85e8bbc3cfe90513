package example.resource;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Refuses, with 401, a token that verifies but that Vigile's shared signals have cut off since. */
@Provider
@Priority(Priorities.AUTHENTICATION + 1)
public class SignalFilter implements ContainerRequestFilter {
    @Inject
    SharedSignals signals;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getSecurityContext().getUserPrincipal() instanceof JsonWebToken jwt && signals.refuses(jwt)) {
            request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                    .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                    .type(MediaType.APPLICATION_JSON)
                    .entity("{\"error\":\"invalid_token\",\"error_description\":\"cut off by the issuer\"}")
                    .build());
        }
    }
}
