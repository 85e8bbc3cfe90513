package dev.vigile.identity.clients.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.common.pagination.PageParams;
import dev.vigile.common.pagination.PageResponses;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.PatchBody;
import dev.vigile.common.web.PathIds;
import dev.vigile.identity.clients.control.ClientRegistry;
import dev.vigile.identity.clients.control.ServiceClient;
import dev.vigile.identity.clients.control.ServiceClients;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Service accounts: {@code /api/admin/clients} ({@code clients:read}, {@code clients:write}). */
@Path("/admin/clients")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class ClientsResource {
    static final Set<String> PATCH_FIELDS = Set.of("name", "roles", "enabled");

    /** As many roles as a user may be given at once. */
    static final int MAX_ROLES = 32;

    @Inject
    dev.vigile.common.web.Bodies bodies;

    @Inject
    ServiceClients clients;

    @Inject
    JsonWebToken jwt;

    @Context
    UriInfo uri;

    /** {@code POST /api/admin/clients}. Unknown properties are refused. */
    public static final class Create {
        @NotNull
        @Size(max = 1024)
        public String name;

        @NotNull
        @Size(max = MAX_ROLES)
        public List<@NotNull String> roles;

        @Size(max = 64)
        public String expiresAt;
    }

    /** A client as administrators see it (never a secret). */
    public record ClientResponse(
            UUID id,
            String clientId,
            String name,
            List<String> roles,
            List<String> permissions,
            boolean enabled,
            Instant createdAt,
            Instant expiresAt,
            Instant lastUsedAt,
            List<ServiceClient.Secret> secrets) {
        static ClientResponse from(ServiceClient c) {
            return new ClientResponse(
                    c.id(),
                    c.clientId(),
                    c.name(),
                    c.roles(),
                    c.permissions(),
                    c.enabled(),
                    c.createdAt(),
                    c.expiresAt(),
                    c.lastUsedAt(),
                    c.secrets());
        }
    }

    /** The answer to a creation: the client and, once, its secret. */
    public record CreatedResponse(
            UUID id,
            String clientId,
            String name,
            List<String> roles,
            List<String> permissions,
            boolean enabled,
            Instant createdAt,
            Instant expiresAt,
            Instant lastUsedAt,
            List<ServiceClient.Secret> secrets,
            String clientSecret) {}

    /** A new secret, shown once. */
    public record SecretResponse(UUID id, String clientSecret) {}

    /** {@code GET /api/admin/clients} : 200 page of clients; sort {@code createdAt} (default, desc), {@code name}, {@code clientId}. */
    @GET
    @RolesAllowed(Permissions.CLIENTS_READ)
    public Response list() {
        return PageResponses.ok(
                clients.page(PageParams.parse(uri, ClientRegistry.SORTS)).map(ClientResponse::from), uri);
    }

    /** {@code GET /api/admin/clients/{id}} : 200; 404 unknown. */
    @GET
    @Path("/{id}")
    @RolesAllowed(Permissions.CLIENTS_READ)
    public ClientResponse get(@PathParam("id") String id) {
        return ClientResponse.from(clients.get(clientId(id)));
    }

    /**
     * {@code POST /api/admin/clients} : 201 the client with its secret (shown once) and {@code
     * Location}; 400 bad name, unknown role or an expiry not in the future; 403 a role carrying a
     * permission the caller lacks.
     */
    @POST
    @RolesAllowed(Permissions.CLIENTS_WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(Create body) {
        bodies.check(body);
        ServiceClients.Created created =
                clients.create(CurrentCaller.of(jwt), body.name, body.roles, instant(body.expiresAt));
        ServiceClient c = created.client();
        return Response.created(URI.create("/api/admin/clients/" + c.id()))
                .header("Cache-Control", "no-store")
                .entity(new CreatedResponse(
                        c.id(),
                        c.clientId(),
                        c.name(),
                        c.roles(),
                        c.permissions(),
                        c.enabled(),
                        c.createdAt(),
                        c.expiresAt(),
                        c.lastUsedAt(),
                        c.secrets(),
                        created.secret()))
                .build();
    }

    /**
     * {@code PATCH /api/admin/clients/{id}} {@code {name?, roles?, enabled?}} : 200; disabling or a
     * change of roles cuts the client's tokens off. 403 the client, or a new role, holds a
     * permission the caller lacks; 404 unknown.
     */
    @PATCH
    @Path("/{id}")
    @RolesAllowed(Permissions.CLIENTS_WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    public ClientResponse update(@PathParam("id") String id, String body) {
        UUID clientId = clientId(id);
        PatchBody patch = PatchBody.parse(body, PATCH_FIELDS);
        String name = null;
        if (patch.has("name")) {
            name = patch.text("name", 1024).orElse("");
        }
        List<String> roles = patch.has("roles") ? patch.strings("roles", MAX_ROLES) : null;
        Boolean enabled = patch.has("enabled") ? patch.bool("enabled") : null;
        patch.validate();
        return ClientResponse.from(
                clients.update(CurrentCaller.of(jwt), clientId, new ServiceClients.Changes(name, roles, enabled)));
    }

    /** {@code POST /api/admin/clients/{id}/secrets} : 201 a second secret for a rotation; 409 already two. */
    @POST
    @Path("/{id}/secrets")
    @RolesAllowed(Permissions.CLIENTS_WRITE)
    public Response addSecret(@PathParam("id") String id) {
        UUID clientId = clientId(id);
        ServiceClients.NewSecret secret = clients.addSecret(CurrentCaller.of(jwt), clientId);
        return Response.created(URI.create("/api/admin/clients/" + clientId + "/secrets/" + secret.id()))
                .header("Cache-Control", "no-store")
                .entity(new SecretResponse(secret.id(), secret.secret()))
                .build();
    }

    /** {@code DELETE /api/admin/clients/{id}/secrets/{secretId}} : 204; the client's tokens are cut off. */
    @DELETE
    @Path("/{id}/secrets/{secretId}")
    @RolesAllowed(Permissions.CLIENTS_WRITE)
    public Response removeSecret(@PathParam("id") String id, @PathParam("secretId") String secretId) {
        UUID clientId = clientId(id);
        clients.removeSecret(CurrentCaller.of(jwt), clientId, PathIds.uuid(secretId, "No such secret."));
        return Response.noContent().build();
    }

    /** {@code DELETE /api/admin/clients/{id}} : 204; its tokens are cut off. */
    @DELETE
    @Path("/{id}")
    @RolesAllowed(Permissions.CLIENTS_WRITE)
    public Response delete(@PathParam("id") String id) {
        clients.delete(CurrentCaller.of(jwt), clientId(id));
        return Response.noContent().build();
    }

    static UUID clientId(String raw) {
        return PathIds.uuid(raw, "No such client.");
    }

    private static Instant instant(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(raw.strip());
        } catch (DateTimeParseException e) {
            throw ApplicationException.invalid("expiresAt", "must be an ISO-8601 UTC instant (2027-01-31T00:00:00Z)");
        }
    }
}
