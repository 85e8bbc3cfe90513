package dev.vigile.identity.accounts.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.common.pagination.PageParams;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.common.pagination.PageResponses;
import dev.vigile.common.web.PatchBody;
import dev.vigile.common.web.PathIds;
import dev.vigile.identity.accounts.control.Accounts;
import dev.vigile.identity.accounts.control.UserCreation;
import dev.vigile.identity.accounts.control.UserDeletion;
import dev.vigile.identity.accounts.control.UserQueries;
import dev.vigile.identity.accounts.control.UserUpdate;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** User administration. */
@Path("/users")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {
    static final Set<String> ADMIN_FIELDS = Set.of("displayName", "enabled");

    @Inject
    dev.vigile.common.web.Bodies bodies;

    @Inject
    JsonWebToken jwt;

    @Inject
    Accounts accounts;

    @Inject
    UserCreation creation;

    @Inject
    UserUpdate updates;

    @Inject
    UserDeletion deletion;

    @Inject
    UserQueries queries;

    @Context
    UriInfo uri;

    /** A path id that is not a UUID names no user: 404. */
    public static UUID userId(String raw) {
        return PathIds.uuid(raw, "No such user.");
    }

    /**
     * {@code GET /api/users} : 200 page of users; filters {@code q} (email or name contains), {@code
     * role}, {@code enabled}; sort {@code createdAt} (default, desc), {@code email}, {@code
     * displayName}; 400 bad filter or paging.
     */
    @GET
    @RolesAllowed(Permissions.USERS_READ)
    public Response list(
            @QueryParam("q") String q, @QueryParam("role") String role, @QueryParam("enabled") String enabled) {
        UserQueries.Filter filter = UserQueries.Filter.parse(q, role, enabled);
        PageRequest request = PageParams.parse(uri, UserQueries.SORTS);
        return PageResponses.ok(queries.page(filter, request, UserResponse::new), uri);
    }

    /** {@code GET /api/users/{id}} : 200 the user; 404 unknown. */
    @GET
    @Path("/{id}")
    @RolesAllowed(Permissions.USERS_READ)
    public UserResponse get(@PathParam("id") String id) {
        return UserResponse.from(accounts.get(userId(id)));
    }

    /**
     * {@code POST /api/users} : 201 the user with {@code Location}; 400 invalid fields or unknown
     * role; 403 granting roles needs {@code roles:assign} and every permission they carry; 409 email
     * taken.
     */
    @POST
    @RolesAllowed(Permissions.USERS_WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(UserRequests.Create body) {
        bodies.check(body);
        UserResponse user = UserResponse.from(creation.create(
                CurrentCaller.of(jwt),
                new UserCreation.NewUser(
                        body.email(), body.password(), body.displayName(), body.roles(), body.enabled())));
        return Response.created(URI.create("/api/users/" + user.id()))
                .entity(user)
                .build();
    }

    /**
     * {@code PATCH /api/users/{id}} : 200 the user. A merge patch of {@code displayName} and {@code
     * enabled}; disabling revokes every session and cuts off every access token at once. 403 on
     * one's own {@code enabled} or on a user holding permissions the caller lacks; 409 disabling the
     * last admin.
     */
    @PATCH
    @Path("/{id}")
    @RolesAllowed(Permissions.USERS_WRITE)
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public UserResponse update(@PathParam("id") String id, String body) {
        return UserResponse.from(
                updates.update(CurrentCaller.of(jwt), userId(id), PatchBody.parse(body, ADMIN_FIELDS)));
    }

    /**
     * {@code DELETE /api/users/{id}} : 204; sessions and access tokens die with the account. 403 on
     * oneself or on a user holding permissions the caller lacks; 404 unknown; 409 the last admin.
     */
    @DELETE
    @Path("/{id}")
    @RolesAllowed(Permissions.USERS_DELETE)
    public Response delete(@PathParam("id") String id) {
        deletion.delete(CurrentCaller.of(jwt), userId(id));
        return Response.noContent().build();
    }
}
