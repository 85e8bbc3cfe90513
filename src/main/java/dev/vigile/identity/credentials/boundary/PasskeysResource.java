package dev.vigile.identity.credentials.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.common.web.ClientInfoResolver;
import dev.vigile.common.web.PathIds;
import dev.vigile.identity.credentials.control.PasskeyManagement;
import dev.vigile.identity.credentials.control.PasskeyRegistration;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The signed-in user's passkeys. A user whose role requires MFA and who has no factor yet may add
 * a passkey (it satisfies the requirement): the enrollment-only token reaches the options, the
 * registration and the list; with a passkey already held it may add nothing (403: sign in with it).
 */
@Path("/users/me/passkeys")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class PasskeysResource {
    @Inject
    dev.vigile.common.web.Bodies bodies;

    @Inject
    PasskeyRegistration registration;

    @Inject
    PasskeyManagement management;

    @Inject
    ClientInfoResolver clients;

    @Inject
    JsonWebToken jwt;

    @Inject
    HttpServletRequest request;

    /**
     * {@code POST /api/users/me/passkeys/options} : 200 {@code {challengeId, publicKey}} creation
     * options; 400 wrong current password; 429 when throttled.
     */
    @POST
    @Path("/options")
    @RolesAllowed({Permissions.SIGNED_IN, Permissions.MFA_ENROLLMENT})
    @Consumes(MediaType.APPLICATION_JSON)
    public Response options(PasskeyRequests.Options body) {
        bodies.check(body);
        return noStore(PasskeyResponses.Ceremony.from(registration.options(
                CurrentCaller.of(jwt), enrollOnly(), body.currentPassword(), clients.of(request))));
    }

    /**
     * {@code POST /api/users/me/passkeys} : 201 passkey; 400 unknown, used or expired challenge, or a
     * credential that fails a check; 409 a credential registered already, or 20 passkeys held.
     */
    @POST
    @RolesAllowed({Permissions.SIGNED_IN, Permissions.MFA_ENROLLMENT})
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(PasskeyRequests.Register body) {
        bodies.check(body);
        var passkey = registration.register(
                CurrentCaller.of(jwt),
                enrollOnly(),
                PasskeyRequests.challengeId(body.challengeId()),
                body.credential(),
                body.name(),
                clients.of(request));
        return Response.created(URI.create("/api/users/me/passkeys/" + passkey.id()))
                .entity(PasskeyResponses.Passkey.from(passkey))
                .build();
    }

    /** {@code GET /api/users/me/passkeys} : 200 the caller's passkeys, oldest first. */
    @GET
    @RolesAllowed({Permissions.SIGNED_IN, Permissions.MFA_ENROLLMENT})
    public Response list() {
        return Response.ok(PasskeyResponses.Passkey.from(
                        management.of(CurrentCaller.of(jwt).userId())))
                .header("Cache-Control", "no-store")
                .build();
    }

    /** {@code PATCH /api/users/me/passkeys/{id}} : 200 passkey; 400 a name that breaks the rule; 404 not the caller's. */
    @PATCH
    @Path("/{id}")
    @RolesAllowed(Permissions.SIGNED_IN)
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public Response rename(@PathParam("id") String id, PasskeyRequests.Rename body) {
        bodies.check(body);
        return Response.ok(PasskeyResponses.Passkey.from(
                        management.rename(CurrentCaller.of(jwt), passkeyId(id), body.name())))
                .build();
    }

    /** {@code DELETE /api/users/me/passkeys/{id}} : 204; 404 not the caller's. */
    @DELETE
    @Path("/{id}")
    @RolesAllowed(Permissions.SIGNED_IN)
    public Response remove(@PathParam("id") String id) {
        management.remove(
                CurrentCaller.of(jwt), passkeyId(id), clients.of(request).acceptLanguage());
        return Response.noContent().build();
    }

    /** The token may only enroll: its role requires MFA and its session has none. */
    private boolean enrollOnly() {
        return jwt.getGroups() != null && jwt.getGroups().contains(Permissions.MFA_ENROLLMENT);
    }

    static UUID passkeyId(String raw) {
        return PathIds.uuid(raw, "No such passkey.");
    }

    private static Response noStore(Object entity) {
        return Response.ok(entity).header("Cache-Control", "no-store").build();
    }
}
