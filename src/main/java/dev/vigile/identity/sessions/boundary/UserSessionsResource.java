package dev.vigile.identity.sessions.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.common.pagination.PageParams;
import dev.vigile.identity.accounts.boundary.UsersResource;
import dev.vigile.identity.accounts.control.Accounts;
import dev.vigile.identity.accounts.control.AdminSignOut;
import dev.vigile.identity.sessions.control.Sessions;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** An administrator signs a user out everywhere. */
@Path("/admin/users/{id}/sessions")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class UserSessionsResource {
    @Inject
    AdminSignOut signOut;

    @Inject
    Accounts accounts;

    @Inject
    Sessions sessions;

    @Inject
    JsonWebToken jwt;

    @jakarta.ws.rs.core.Context
    jakarta.ws.rs.core.UriInfo uri;

    /**
     * {@code GET /api/admin/users/{id}/sessions} : 200 page of the user's active sessions (for the
     * dashboard's user page); sort {@code lastUsedAt} (default, desc) or {@code createdAt}; 404
     * unknown user.
     */
    @jakarta.ws.rs.GET
    @RolesAllowed(Permissions.USERS_READ)
    public Response list(@PathParam("id") String id) {
        java.util.UUID userId = UsersResource.userId(id);
        accounts.get(userId);
        return dev.vigile.common.pagination.PageResponses.ok(
                sessions.active(userId, PageParams.parse(uri, SessionsResource.SORTS))
                        .map(s -> SessionResponse.from(s, sessions.idleTtl(), null)),
                uri);
    }

    /**
     * {@code DELETE /api/admin/users/{id}/sessions} : 204, every session of the user revoked and
     * their access tokens cut off (live WebSockets close with 4011). 403 on a user holding
     * permissions the caller lacks; 404 unknown user.
     */
    @DELETE
    @RolesAllowed(Permissions.USERS_WRITE)
    public Response revokeAll(@PathParam("id") String id) {
        signOut.signOut(CurrentCaller.of(jwt), UsersResource.userId(id));
        return Response.noContent().build();
    }
}
