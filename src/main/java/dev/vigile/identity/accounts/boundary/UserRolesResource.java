package dev.vigile.identity.accounts.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.identity.accounts.control.RoleAssignment;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Role assignment. */
@Path("/admin/users/{id}/roles")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class UserRolesResource {
    @Inject
    dev.vigile.common.web.Bodies bodies;

    @Inject
    RoleAssignment assignment;

    @Inject
    JsonWebToken jwt;

    /**
     * {@code PUT /api/admin/users/{id}/roles} : 200 the user with exactly these roles ({@code USER}
     * is always kept). Their access tokens are cut off at once; their next refresh carries the new
     * groups. 400 unknown role; 403 one's own roles, or a role carrying a permission the caller does
     * not hold; 404 unknown user; 409 removing the last admin.
     */
    @PUT
    @RolesAllowed(Permissions.ROLES_ASSIGN)
    @Consumes(MediaType.APPLICATION_JSON)
    public UserResponse assign(@PathParam("id") String id, UserRequests.Roles body) {
        bodies.check(body);
        return UserResponse.from(assignment.assign(CurrentCaller.of(jwt), UsersResource.userId(id), body.roles()));
    }
}
