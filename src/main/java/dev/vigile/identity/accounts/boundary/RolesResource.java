package dev.vigile.identity.accounts.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.identity.accounts.control.RoleService;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Roles and permissions. Small lists: plain arrays, not pages. */
@Path("/admin")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class RolesResource {
    @Inject
    dev.vigile.common.web.Bodies bodies;

    @Inject
    RoleService roles;

    @Inject
    JsonWebToken jwt;

    /** A permission as clients see it. */
    public record PermissionResponse(String name, String description) {}

    /** {@code GET /api/admin/roles} : 200 every role, by name. */
    @GET
    @Path("/roles")
    @RolesAllowed(Permissions.ROLES_READ)
    public List<RoleResponse> list() {
        return roles.list().stream().map(RoleResponse::from).toList();
    }

    /** {@code GET /api/admin/roles/{name}} : 200 the role; 404 unknown. */
    @GET
    @Path("/roles/{name}")
    @RolesAllowed(Permissions.ROLES_READ)
    public RoleResponse get(@PathParam("name") String name) {
        return RoleResponse.from(roles.get(name));
    }

    /**
     * {@code POST /api/admin/roles} : 201 the role with {@code Location}; 400 bad name or unknown
     * permission; 403 a permission the caller does not hold; 409 name taken.
     */
    @POST
    @Path("/roles")
    @RolesAllowed(Permissions.ROLES_WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(RoleRequests.Create body) {
        bodies.check(body);
        RoleResponse role = RoleResponse.from(
                roles.create(CurrentCaller.of(jwt), body.name(), blankToNull(body.description()), body.permissions()));
        return Response.created(URI.create("/api/admin/roles/" + role.name()))
                .entity(role)
                .build();
    }

    /**
     * {@code PUT /api/admin/roles/{name}} : 200 the role with its new description and permissions;
     * holders' access tokens are cut off when the permissions change. 403 adding or removing a
     * permission the caller does not hold; 404 unknown; 409 the permissions of a system role.
     */
    @PUT
    @Path("/roles/{name}")
    @RolesAllowed(Permissions.ROLES_WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    public RoleResponse update(@PathParam("name") String name, RoleRequests.Update body) {
        bodies.check(body);
        return RoleResponse.from(
                roles.update(CurrentCaller.of(jwt), name, blankToNull(body.description()), body.permissions()));
    }

    /**
     * {@code DELETE /api/admin/roles/{name}} : 204; holders lose it and their access tokens are cut
     * off. 403 it carries a permission the caller does not hold; 404 unknown; 409 system role.
     */
    @DELETE
    @Path("/roles/{name}")
    @RolesAllowed(Permissions.ROLES_WRITE)
    public Response delete(@PathParam("name") String name) {
        roles.delete(CurrentCaller.of(jwt), name);
        return Response.noContent().build();
    }

    /** {@code GET /api/admin/permissions} : 200 every permission, by name. */
    @GET
    @Path("/permissions")
    @RolesAllowed(Permissions.ROLES_READ)
    public List<PermissionResponse> permissions() {
        return roles.permissions().stream()
                .map(p -> new PermissionResponse(p.name(), p.description()))
                .toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
