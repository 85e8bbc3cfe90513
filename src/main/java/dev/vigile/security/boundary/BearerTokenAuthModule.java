package dev.vigile.security.boundary;

import dev.vigile.common.problem.BearerChallenge;
import dev.vigile.security.AccessTokenVerifier;
import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.MessagePolicy;
import jakarta.security.auth.message.callback.CallerPrincipalCallback;
import jakarta.security.auth.message.callback.GroupPrincipalCallback;
import jakarta.security.auth.message.module.ServerAuthModule;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;

/**
 * Authenticates every request of the application from its {@code Authorization: Bearer} access
 * token: a Jakarta Authentication module, registered for this application by {@link
 * BearerTokenRegistration} in place of Payara's MicroProfile JWT mechanism and of the Jakarta
 * Security bridge that would call it.
 *
 * <ul>
 *   <li>A token that verifies ({@link AccessTokenVerifier}, the WebSocket handshake's check too)
 *       makes its {@link dev.vigile.security.VerifiedToken} (MicroProfile JWT's {@code
 *       JsonWebToken}) the caller, in its {@code groups}, which {@code @RolesAllowed} checks
 *       ({@link AccessRulesFeature}). This happens on every request, not only where the container
 *       requires a caller: the API's resources are protected by their annotations, not by
 *       {@code web.xml}.
 *   <li>No token leaves the caller anonymous; so does a token that does not verify, unless the
 *       container requires a caller ({@code request.authenticate}), where it is a failure.
 *       Resources that require a caller answer an anonymous one 401 ({@link AccessRulesFeature}).
 * </ul>
 *
 * <p>Why a bare module and not a Jakarta Security {@code HttpAuthenticationMechanism}: Soteria's
 * bridge looks the mechanism up through JNDI twice a request (a new {@code InitialContext} and a
 * {@code NamingException} with its stack trace each time, even when the lookup succeeds), 13.6 %
 * of a {@code GET /api/users/me}'s CPU (docs/performance.md). The rules are the same.
 */
final class BearerTokenAuthModule implements ServerAuthModule {
    private static final String MANDATORY = "jakarta.security.auth.message.MessagePolicy.isMandatory";
    private static final Class<?>[] TYPES = {HttpServletRequest.class, HttpServletResponse.class};

    private final AccessTokenVerifier verifier;
    private volatile CallbackHandler handler;

    BearerTokenAuthModule(AccessTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void initialize(
            MessagePolicy requestPolicy,
            MessagePolicy responsePolicy,
            CallbackHandler handler,
            Map<String, Object> options) {
        this.handler = handler;
    }

    @Override
    public Class<?>[] getSupportedMessageTypes() {
        return TYPES.clone();
    }

    @Override
    public AuthStatus validateRequest(MessageInfo message, Subject client, Subject service) throws AuthException {
        String token = bearerToken(((HttpServletRequest) message.getRequestMessage()).getHeader("Authorization"));
        if (token == null) {
            return anonymous(client);
        }
        if (verifier.verify(token) instanceof AccessTokenVerifier.Valid valid) {
            callBack(
                    new CallerPrincipalCallback(client, (Principal) valid.token()),
                    new GroupPrincipalCallback(client, valid.groups().toArray(String[]::new)));
            return AuthStatus.SUCCESS;
        }
        if (Boolean.parseBoolean(String.valueOf(message.getMap().get(MANDATORY)))) {
            // As MicroProfile JWT: where a caller is required, a token that does not verify is a failure.
            return AuthStatus.SEND_FAILURE;
        }
        return anonymous(client);
    }

    /**
     * The token of an {@code Authorization} header of the Bearer scheme, or null for none. RFC 6750
     * section 2.1: {@code "Bearer" 1*SP b64token}, the scheme's name in any case (RFC 9110 section
     * 11.1).
     */
    static String bearerToken(String header) {
        if (!BearerChallenge.isBearer(header)) {
            return null;
        }
        int start = BearerChallenge.SCHEME.length();
        while (start < header.length() && header.charAt(start) == ' ') {
            start++;
        }
        return start == header.length() ? null : header.substring(start);
    }

    /** Tells the container the caller is anonymous (a caller principal of no name). */
    private AuthStatus anonymous(Subject client) throws AuthException {
        callBack(new CallerPrincipalCallback(client, (String) null));
        return AuthStatus.SUCCESS;
    }

    private void callBack(Callback... callbacks) throws AuthException {
        try {
            handler.handle(callbacks);
        } catch (IOException | UnsupportedCallbackException e) {
            AuthException failure = new AuthException("The container refused the caller");
            failure.initCause(e);
            throw failure;
        }
    }

    @Override
    public AuthStatus secureResponse(MessageInfo message, Subject service) {
        return AuthStatus.SEND_SUCCESS;
    }

    @Override
    public void cleanSubject(MessageInfo message, Subject subject) {
        if (subject != null) {
            subject.getPrincipals().clear();
        }
    }
}
