package dev.vigile.security.boundary;

import dev.vigile.security.AccessTokenVerifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Authenticates the API's requests from their {@code Authorization: Bearer} access token, in place
 * of Payara's MicroProfile JWT mechanism, with the same contract: no token leaves the caller
 * anonymous; a token that does not verify fails the authentication (401) where the resource asks
 * for a caller (its {@code @RolesAllowed} or {@code @PermitAll}) and leaves it anonymous elsewhere; a valid one
 * makes a {@link dev.vigile.security.VerifiedToken} (MicroProfile JWT's {@code JsonWebToken}) the
 * caller, in its {@code groups}, which {@code @RolesAllowed} checks.
 *
 * <p>Why not Payara's: its mechanism parses the verification key again for every request (its
 * {@code JwtPublicKeyStore} caches only the key's text) and goes through a CDI lookup of the
 * identity-store handler and a reflective proxy for each; the suite's profile of {@code GET
 * /api/users/me} put a third of a request's time there (docs/performance.md). This one verifies
 * with {@link AccessTokenVerifier}, which holds the parsed keys, and is the same check as the
 * WebSocket handshake's. Chosen by name in {@code web.xml} ({@code fish.payara.security.mechanism})
 * and, for any other lookup by type, as an alternative.
 */
@ApplicationScoped
@Alternative
@Priority(Interceptor.Priority.APPLICATION)
public class BearerTokenMechanism implements HttpAuthenticationMechanism {
  private static final String BEARER = "Bearer ";

  @Inject AccessTokenVerifier verifier;

  @Override
  public AuthenticationStatus validateRequest(
      HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.startsWith(BEARER) || header.length() == BEARER.length()) {
      return context.doNothing();
    }
    if (verifier.verify(header.substring(BEARER.length())) instanceof AccessTokenVerifier.Valid valid) {
      // Also when the container does not require a caller (the API's resources are protected by
      // their annotations, not by web.xml): the caller is then known before the roles filter
      // runs, which otherwise sends the request through JASPIC a second time to find it (12 % of
      // a GET /api/users/me's CPU, docs/performance.md).
      return context.notifyContainerAboutLogin(valid.token(), valid.groups());
    }
    if (!context.isProtected()) {
      // Left anonymous here; a resource that needs a caller asks again and gets the 401 below.
      return context.doNothing();
    }
    // As MicroProfile JWT: a failed authentication, answered 401 by the roles filter.
    return AuthenticationStatus.SEND_FAILURE;
  }
}
