package dev.vigile.identity.sessions.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.common.web.ClientInfoResolver;
import dev.vigile.identity.accounts.boundary.UserResponse;
import dev.vigile.identity.credentials.boundary.MfaResponses;
import dev.vigile.identity.credentials.boundary.PasskeyRequests;
import dev.vigile.identity.credentials.boundary.PasskeyResponses;
import dev.vigile.identity.credentials.control.EmailVerification;
import dev.vigile.identity.credentials.control.PasswordRecovery;
import dev.vigile.identity.sessions.control.MfaSignIn;
import dev.vigile.identity.sessions.control.PasskeySignIn;
import dev.vigile.identity.sessions.control.PasswordSignIn;
import dev.vigile.identity.sessions.control.Registration;
import dev.vigile.identity.sessions.control.SignIn;
import dev.vigile.identity.sessions.control.SignOut;
import dev.vigile.identity.sessions.control.TokenRefresh;
import dev.vigile.security.CurrentCaller;
import dev.vigile.security.OpaqueTokens;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Sign-up, sign-in, token refresh and sign-out. Application-scoped: it holds no state of a
 * request (the request and the caller are proxies to the current ones), and building a
 * request-scoped resource for every refresh cost Jersey and Weld about 5 % of its CPU.
 */
@Path("/auth")
@ApplicationScoped
@DenyAll
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {
    @Inject
    dev.vigile.common.web.Bodies bodies;

    @Inject
    Registration registration;

    @Inject
    PasswordSignIn passwordSignIn;

    @Inject
    MfaSignIn mfaSignIn;

    @Inject
    PasskeySignIn passkeySignIn;

    @Inject
    TokenRefresh tokenRefresh;

    @Inject
    SignOut signOut;

    @Inject
    PasswordRecovery passwordRecovery;

    @Inject
    EmailVerification emailVerification;

    @Inject
    ClientInfoResolver clients;

    @Inject
    JsonWebToken jwt;

    @Inject
    HttpServletRequest request;

    /**
     * {@code POST /api/auth/register} : 201 token response; 400 invalid fields or unknown
     * properties; 409 email taken.
     */
    @POST
    @Path("/register")
    @PermitAll
    public Response register(AuthRequests.Register body) {
        bodies.check(body);
        String csrf = newCsrf(request);
        SignIn signIn =
                registration.register(body.email(), body.password(), body.displayName(), clients.of(request), csrf);
        if (signIn instanceof SignIn.VerificationRequired v) {
            // Verified addresses are required: the account exists, and signs in once its link is used.
            return Response.created(URI.create("/api/users/" + v.user().id()))
                    .entity(new VerificationRequiredResponse(true, UserResponse.from(v.user())))
                    .build();
        }
        SignIn.Tokens t = (SignIn.Tokens) signIn;
        return tokenResponse(
                Response.created(URI.create("/api/users/" + t.user().id())), t, csrf);
    }

    /**
     * {@code POST /api/auth/login} : 200 token response; 401 unknown email, wrong password or
     * disabled account (same body); 429 with {@code Retry-After} when throttled.
     */
    @POST
    @Path("/login")
    @PermitAll
    public Response login(AuthRequests.Login body) {
        bodies.check(body);
        String device = body.deviceToken() != null ? body.deviceToken() : BrowserSession.deviceTokenFromCookie(request);
        String csrf = newCsrf(request);
        SignIn signIn = passwordSignIn.signIn(body.email(), body.password(), device, clients.of(request), csrf);
        if (signIn instanceof SignIn.MfaRequired challenge) {
            List<String> methods = challenge.passkey()
                    ? List.of("totp", "recovery_code", "passkey")
                    : List.of("totp", "recovery_code");
            return Response.accepted(
                            new MfaResponses.Challenge(true, challenge.mfaToken(), challenge.expiresIn(), methods))
                    .header("Cache-Control", "no-store")
                    .build();
        }
        return tokenResponse(Response.ok(), (SignIn.Tokens) signIn, csrf);
    }

    /**
     * {@code POST /api/auth/login/mfa} : 200 token response; 401 unknown, expired or used-up MFA
     * token, or a wrong or replayed code (five wrong codes void the token); 429 when throttled.
     */
    @POST
    @Path("/login/mfa")
    @PermitAll
    public Response loginMfa(AuthRequests.LoginMfa body) {
        bodies.check(body);
        MfaSignIn.PasskeyProof passkey = null;
        if (body.challengeId() != null || body.credential() != null) {
            if (body.challengeId() == null || body.credential() == null) {
                throw dev.vigile.common.problem.ApplicationException.invalid(
                        "credential", "a passkey's answer needs both challengeId and credential");
            }
            passkey = new MfaSignIn.PasskeyProof(PasskeyRequests.challengeId(body.challengeId()), body.credential());
        }
        String csrf = newCsrf(request);
        return tokenResponse(
                Response.ok(),
                mfaSignIn.complete(
                        body.mfaToken(), body.code(), body.recoveryCode(), passkey, clients.of(request), csrf),
                csrf);
    }

    /**
     * {@code POST /api/auth/login/mfa/passkey-options} : 200 {@code {challengeId, publicKey}}, request
     * options listing the user's passkeys, bound to the MFA token; 401 unknown, expired or used-up
     * MFA token; 409 the user has no passkey; 429 when throttled.
     */
    @POST
    @Path("/login/mfa/passkey-options")
    @PermitAll
    public Response loginMfaPasskeyOptions(PasskeyRequests.SecondFactorOptions body) {
        bodies.check(body);
        return Response.ok(PasskeyResponses.Ceremony.from(mfaSignIn.passkeyOptions(body.mfaToken())))
                .header("Cache-Control", "no-store")
                .build();
    }

    /**
     * {@code POST /api/auth/passkey/options} : 200 {@code {challengeId, publicKey}}, request options
     * with an empty allow list (discoverable credentials); 429 with {@code Retry-After} when throttled.
     * The body ({@code {}} in the contract) is not read: nothing in it could change the options.
     */
    @POST
    @Path("/passkey/options")
    @PermitAll
    @Consumes(MediaType.WILDCARD)
    public Response passkeyOptions() {
        return Response.ok(PasskeyResponses.Ceremony.from(passkeySignIn.options(clients.of(request))))
                .header("Cache-Control", "no-store")
                .build();
    }

    /**
     * {@code POST /api/auth/passkey} : 200 token response (as a login); 401 for every refusal (unknown
     * credential, wrong user handle, disabled user, bad signature, replayed challenge), the same
     * problem as a wrong password; 429 when the address's failed sign-ins are throttled.
     */
    @POST
    @Path("/passkey")
    @PermitAll
    public Response passkey(PasskeyRequests.SignIn body) {
        bodies.check(body);
        String device = body.deviceToken() != null ? body.deviceToken() : BrowserSession.deviceTokenFromCookie(request);
        String csrf = newCsrf(request);
        return tokenResponse(
                Response.ok(),
                passkeySignIn.signIn(
                        PasskeyRequests.challengeId(body.challengeId()),
                        body.credential(),
                        device,
                        clients.of(request),
                        csrf),
                csrf);
    }

    /**
     * {@code POST /api/auth/password-reset} : 202 and an empty body, whether or not the account
     * exists (a mail goes out only if it does); 429 with {@code Retry-After} when throttled.
     */
    @POST
    @Path("/password-reset")
    @PermitAll
    public Response requestReset(AuthRequests.ResetRequest body) {
        bodies.check(body);
        passwordRecovery.request(body.email(), clients.of(request));
        return Response.accepted().build();
    }

    /**
     * {@code POST /api/auth/password-reset/confirm} : 204; 400 {@code invalid-token} for an unknown,
     * expired, used or voided token; 400 {@code invalid-mfa-code} when the account has MFA and the
     * code is missing or wrong. Every session of the user ends.
     */
    @POST
    @Path("/password-reset/confirm")
    @PermitAll
    public Response confirmReset(AuthRequests.ResetConfirm body) {
        bodies.check(body);
        passwordRecovery.confirm(body.token(), body.newPassword(), body.mfaCode(), clients.of(request));
        return Response.noContent().build();
    }

    /** {@code POST /api/auth/verify-email} : 204; 400 {@code invalid-token}; 409 new address taken. */
    @POST
    @Path("/verify-email")
    @PermitAll
    public Response verifyEmail(AuthRequests.VerifyEmail body) {
        bodies.check(body);
        emailVerification.verify(body.token());
        return Response.noContent().build();
    }

    /**
     * {@code POST /api/auth/refresh} : 200 new token response; 401 unknown, expired, revoked or
     * already-rotated token (the last also revokes the token's family). Without {@code refreshToken}
     * in the body, the browser session cookie is used (403 unless {@code X-CSRF-Token} repeats the
     * CSRF cookie).
     */
    @POST
    @Path("/refresh")
    @PermitAll
    public Response refresh(AuthRequests.Refresh body) {
        bodies.check(body);
        boolean fromCookie = body.refreshToken() == null;
        // A refresh by the session cookie is a browser's, whatever it asks for.
        String csrf = fromCookie ? OpaqueTokens.generate() : newCsrf(request);
        SignIn.Tokens t = fromCookie
                ? tokenRefresh.refresh(
                        BrowserSession.refreshTokenFromCookie(request), clients.of(request), presentedCsrf(), csrf)
                : tokenRefresh.refresh(body.refreshToken(), clients.of(request), null, csrf);
        return tokenResponse(Response.ok(), t, csrf);
    }

    /**
     * {@code POST /api/auth/logout} : 204, the token's family revoked; idempotent. Without {@code
     * refreshToken}, the browser session cookie's (CSRF-checked), and both cookies are cleared.
     */
    @POST
    @Path("/logout")
    @PermitAll
    public Response logout(AuthRequests.Refresh body) {
        bodies.check(body);
        if (body.refreshToken() == null) {
            signOut.token(BrowserSession.refreshTokenFromCookie(request), presentedCsrf());
            return BrowserSession.clearCookies(Response.noContent(), clients.secure(request))
                    .build();
        }
        signOut.token(body.refreshToken(), null);
        return Response.noContent().build();
    }

    /** {@code POST /api/auth/logout-all} : 204, every session revoked, every access token cut off. */
    @POST
    @Path("/logout-all")
    @RolesAllowed({Permissions.SIGNED_IN, Permissions.MFA_ENROLLMENT})
    @Consumes(MediaType.WILDCARD)
    public Response logoutAll() {
        signOut.everywhere(CurrentCaller.of(jwt));
        return Response.noContent().build();
    }

    /**
     * The CSRF header of a request made with the session cookie: the use case checks that it is the
     * token bound to that session (403 otherwise), so it may never be null here.
     */
    private String presentedCsrf() {
        String header = BrowserSession.csrfHeader(request);
        return header == null ? "" : header;
    }

    /** A new CSRF token when the request asked for the browser form, bound to its session by the use case. */
    private static String newCsrf(HttpServletRequest request) {
        return BrowserSession.requested(request) ? OpaqueTokens.generate() : null;
    }

    /** The 201 of a registration while verified addresses are required: no tokens yet. */
    @jakarta.json.bind.annotation.JsonbPropertyOrder({"email_verification_required", "user"})
    public record VerificationRequiredResponse(
            @jakarta.json.bind.annotation.JsonbProperty("email_verification_required")
            boolean emailVerificationRequired,

            UserResponse user) {}

    /** @param csrf the CSRF token bound to the session, when the answer is a browser's; null otherwise */
    private Response tokenResponse(Response.ResponseBuilder builder, SignIn.Tokens t, String csrf) {
        boolean browser = csrf != null;
        if (browser) {
            BrowserSession.withCookies(builder, t.refreshToken(), t.refreshExpiresIn(), csrf, clients.secure(request));
            if (t.deviceToken() != null) {
                BrowserSession.withDeviceCookie(builder, t.deviceToken(), clients.secure(request));
            }
        }
        // RFC 6749 section 5.1: token responses must not be cached.
        return builder.entity(browser ? TokenResponse.withoutRefreshToken(t) : TokenResponse.from(t))
                .header("Cache-Control", "no-store")
                .header("Pragma", "no-cache")
                .build();
    }
}
