package dev.vigile.identity.credentials.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.identity.accounts.boundary.UsersResource;
import dev.vigile.identity.credentials.control.MfaRemoval;
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

/** An administrator turns a user's second factor off (a lost phone, no recovery code left). */
@Path("/admin/users/{id}/mfa")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class UserMfaResource {
    @Inject
    MfaRemoval removal;

    @Inject
    JsonWebToken jwt;

    /**
     * {@code DELETE /api/admin/users/{id}/mfa} : 204, TOTP and recovery codes removed, the user
     * notified and mailed. 403 on a user holding a permission the caller lacks; 404 unknown user;
     * 409 when the user has no second factor.
     */
    @DELETE
    @RolesAllowed(Permissions.USERS_WRITE)
    public Response reset(@PathParam("id") String id) {
        removal.reset(CurrentCaller.of(jwt), UsersResource.userId(id));
        return Response.noContent().build();
    }
}
