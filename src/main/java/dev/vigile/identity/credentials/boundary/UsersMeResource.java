package dev.vigile.identity.credentials.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.common.web.ClientInfoResolver;
import dev.vigile.common.web.PatchBody;
import dev.vigile.identity.accounts.boundary.CurrentUserCache;
import dev.vigile.identity.accounts.boundary.UserRequests;
import dev.vigile.identity.accounts.boundary.UserResponse;
import dev.vigile.identity.accounts.control.Accounts;
import dev.vigile.identity.accounts.control.ProfileUpdate;
import dev.vigile.identity.credentials.control.EmailChange;
import dev.vigile.identity.credentials.control.EmailVerification;
import dev.vigile.identity.credentials.control.MfaRemoval;
import dev.vigile.identity.credentials.control.PasswordChange;
import dev.vigile.identity.credentials.control.RecoveryCodeRenewal;
import dev.vigile.identity.credentials.control.TotpEnrollment;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The signed-in user's own account. Application-scoped, the busiest resource: a request-scoped
 * one is built and injected on every call, and the suite's profile of {@code GET /api/users/me}
 * found 17 of 44 samples blocked in Weld's client-proxy lookup while injecting it. So it holds
 * only application-scoped services, and each method takes the caller and the request as
 * parameters.
 */
@Path("/users/me")
@ApplicationScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class UsersMeResource {
    static final Set<String> PROFILE_FIELDS = Set.of("displayName", "locale");

    @Inject
    dev.vigile.common.web.Bodies bodies;

    @Inject
    Accounts accounts;

    @Inject
    CurrentUserCache cache;

    @Inject
    ProfileUpdate profile;

    @Inject
    PasswordChange passwordChange;

    @Inject
    EmailVerification verification;

    @Inject
    EmailChange emailChange;

    @Inject
    TotpEnrollment enrollment;

    @Inject
    RecoveryCodeRenewal recoveryCodes;

    @Inject
    MfaRemoval removal;

    @Inject
    ClientInfoResolver clients;

    /**
     * {@code GET /api/users/me} : 200 the caller; 401 without a valid token. Served from {@link
     * CurrentUserCache}, which every committed change to the user or a role clears.
     */
    @GET
    @RolesAllowed(Permissions.SIGNED_IN)
    public UserResponse me(@Context SecurityContext security) {
        return cache.get(caller(security).userId(), id -> UserResponse.from(accounts.get(id)));
    }

    /**
     * {@code PATCH /api/users/me} : 200 the updated caller. A JSON merge patch of profile fields
     * ({@code displayName}; {@code null} clears it); any other member (roles, enabled, email, id) is
     * a 400 and changes nothing.
     */
    @PATCH
    @RolesAllowed(Permissions.SIGNED_IN)
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public UserResponse update(String body, @Context SecurityContext security) {
        return UserResponse.from(profile.update(caller(security), PatchBody.parse(body, PROFILE_FIELDS)));
    }

    /**
     * {@code PUT /api/users/me/password} : 204. 400 wrong current password or a new one that breaks
     * the rules; 429 after repeated wrong tries. Every other session is revoked, and their access
     * tokens with them; the caller's session survives, its access tokens included (API.md).
     */
    @PUT
    @Path("/password")
    @RolesAllowed(Permissions.SIGNED_IN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response changePassword(
            UserRequests.PasswordChange body, @Context SecurityContext security, @Context HttpServletRequest request) {
        bodies.check(body);
        passwordChange.change(caller(security), body.currentPassword(), body.newPassword(), clients.of(request));
        return Response.noContent().build();
    }

    /**
     * {@code POST /api/users/me/verify-email} : 202, a new verification mail (earlier links die);
     * 409 when the address is already verified; 429 with {@code Retry-After} when throttled.
     */
    @POST
    @Path("/verify-email")
    @RolesAllowed(Permissions.SIGNED_IN)
    @Consumes(MediaType.WILDCARD)
    public Response resendVerification(@Context SecurityContext security, @Context HttpServletRequest request) {
        verification.resend(caller(security), clients.of(request));
        return Response.accepted().build();
    }

    /**
     * {@code PUT /api/users/me/email} : 202, a token mailed to the new address and a notice to the
     * old; the address changes when the token is verified. 400 wrong current password or a
     * malformed address; a taken address is refused (409) only at verification.
     */
    @PUT
    @Path("/email")
    @RolesAllowed(Permissions.SIGNED_IN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response changeEmail(
            UserRequests.EmailChange body, @Context SecurityContext security, @Context HttpServletRequest request) {
        bodies.check(body);
        emailChange.request(caller(security), body.newEmail(), body.currentPassword(), clients.of(request));
        return Response.accepted().build();
    }

    /**
     * {@code POST /api/users/me/mfa/totp} : 200 {@code {secret, otpauthUri, qrCodeSvg}}, a pending
     * enrollment (nothing enforced until confirmed); 400 wrong password; 409 MFA already on. Open to
     * a token that may only enroll.
     */
    @POST
    @Path("/mfa/totp")
    @RolesAllowed({Permissions.SIGNED_IN, Permissions.MFA_ENROLLMENT})
    @Consumes(MediaType.APPLICATION_JSON)
    public Response enroll(
            UserRequests.MfaEnroll body, @Context SecurityContext security, @Context HttpServletRequest request) {
        bodies.check(body);
        return noStore(
                enrollment.start(caller(security), enrollOnly(security), body.currentPassword(), clients.of(request)));
    }

    /**
     * {@code POST /api/users/me/mfa/totp/confirm} : 200 {@code {recoveryCodes}} (shown once), TOTP
     * on; 400 wrong code; 409 no enrollment pending or already on; 429 when throttled.
     */
    @POST
    @Path("/mfa/totp/confirm")
    @RolesAllowed({Permissions.SIGNED_IN, Permissions.MFA_ENROLLMENT})
    @Consumes(MediaType.APPLICATION_JSON)
    public Response confirmMfa(
            UserRequests.MfaCode body, @Context SecurityContext security, @Context HttpServletRequest request) {
        bodies.check(body);
        return noStore(
                new MfaResponses.RecoveryCodes(enrollment.confirm(caller(security), body.code(), clients.of(request))));
    }

    /** {@code POST /api/users/me/mfa/recovery-codes} : 200 a fresh set, the old one void; 400 wrong code; 409 MFA off. */
    @POST
    @Path("/mfa/recovery-codes")
    @RolesAllowed(Permissions.SIGNED_IN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response renewRecoveryCodes(
            UserRequests.MfaCode body, @Context SecurityContext security, @Context HttpServletRequest request) {
        bodies.check(body);
        return noStore(new MfaResponses.RecoveryCodes(
                recoveryCodes.renew(caller(security), body.code(), clients.of(request))));
    }

    /** {@code DELETE /api/users/me/mfa} : 204, MFA off; 400 wrong password or code; 409 MFA off. */
    @DELETE
    @Path("/mfa")
    @RolesAllowed(Permissions.SIGNED_IN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response disableMfa(
            UserRequests.MfaDisable body, @Context SecurityContext security, @Context HttpServletRequest request) {
        bodies.check(body);
        removal.disable(caller(security), body.currentPassword(), body.code(), clients.of(request));
        return Response.noContent().build();
    }

    /**
     * {@code POST /api/users/me/mfa/disable} : the same as {@code DELETE /api/users/me/mfa}, without a
     * body on a DELETE, which some servers and proxies refuse.
     */
    @POST
    @Path("/mfa/disable")
    @RolesAllowed(Permissions.SIGNED_IN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response disableMfaByPost(
            UserRequests.MfaDisable body, @Context SecurityContext security, @Context HttpServletRequest request) {
        return disableMfa(body, security, request);
    }

    /** The token may only enroll: its role requires MFA and its session has none. */
    private static boolean enrollOnly(SecurityContext security) {
        var groups = ((JsonWebToken) security.getUserPrincipal()).getGroups();
        return groups != null && groups.contains(Permissions.MFA_ENROLLMENT);
    }

    private static Response noStore(Object entity) {
        return Response.ok(entity).header("Cache-Control", "no-store").build();
    }

    /** The caller that MicroProfile JWT authenticated for this request (the role check ran first). */
    private static CurrentCaller caller(SecurityContext security) {
        return CurrentCaller.of((JsonWebToken) security.getUserPrincipal());
    }
}
