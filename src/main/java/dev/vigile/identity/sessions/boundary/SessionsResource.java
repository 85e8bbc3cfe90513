package dev.vigile.identity.sessions.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.common.pagination.PageParams;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.common.pagination.PageResponses;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.PathIds;
import dev.vigile.identity.sessions.control.Sessions;
import dev.vigile.identity.sessions.control.SignOut;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller's own sessions (refresh-token families). */
@Path("/auth/sessions")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class SessionsResource {
    static final PageRequest.Sorts SORTS =
            new PageRequest.Sorts(Map.of("lastUsedAt", "lastUsedAt", "createdAt", "createdAt"), "lastUsedAt", false);

    @Inject
    Sessions sessions;

    @Inject
    SignOut signOut;

    @Inject
    JsonWebToken jwt;

    @Context
    UriInfo uri;

    /**
     * {@code GET /api/auth/sessions} : 200 page of active sessions, the current one flagged; sort
     * {@code lastUsedAt} (default, desc) or {@code createdAt}; 400 bad paging.
     */
    @GET
    @RolesAllowed({Permissions.SIGNED_IN, Permissions.MFA_ENROLLMENT})
    public Response list() {
        CurrentCaller caller = CurrentCaller.of(jwt);
        PageRequest request = PageParams.parse(uri, SORTS);
        return PageResponses.ok(
                sessions.active(caller.userId(), request)
                        .map(s -> SessionResponse.from(s, sessions.idleTtl(), caller.sessionId())),
                uri);
    }

    /** {@code DELETE /api/auth/sessions/{id}} : 204 revoked; 404 not one of the caller's sessions. */
    @DELETE
    @Path("/{id}")
    @RolesAllowed({Permissions.SIGNED_IN, Permissions.MFA_ENROLLMENT})
    public Response revoke(@PathParam("id") String id) {
        UUID sessionId = PathIds.uuid(id, "No such session.");
        if (!signOut.session(CurrentCaller.of(jwt), sessionId)) {
            throw ApplicationException.notFound("No such session.");
        }
        return Response.noContent().build();
    }
}
