package dev.vigile.identity.credentials.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.identity.accounts.boundary.UsersResource;
import dev.vigile.identity.credentials.control.PasskeyManagement;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** An administrator lists a user's passkeys, and removes one (a lost key, a departed device). */
@Path("/admin/users/{id}/passkeys")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class UserPasskeysResource {
    @Inject
    PasskeyManagement management;

    @Inject
    JsonWebToken jwt;

    /** {@code GET /api/admin/users/{id}/passkeys} : 200 the user's passkeys; 404 unknown user. */
    @GET
    @RolesAllowed(Permissions.USERS_READ)
    public Response list(@PathParam("id") String id) {
        return Response.ok(PasskeyResponses.Passkey.from(management.of(UsersResource.userId(id))))
                .header("Cache-Control", "no-store")
                .build();
    }

    /**
     * {@code DELETE /api/admin/users/{id}/passkeys/{pid}} : 204, the user notified and mailed, the
     * sessions the passkey started ended; 403 on a user holding a permission the caller lacks; 404
     * unknown user or passkey.
     */
    @DELETE
    @Path("/{pid}")
    @RolesAllowed(Permissions.USERS_WRITE)
    public Response remove(@PathParam("id") String id, @PathParam("pid") String pid) {
        management.removeAsAdmin(CurrentCaller.of(jwt), UsersResource.userId(id), PasskeysResource.passkeyId(pid));
        return Response.noContent().build();
    }
}
