package dev.vigile.realtime;

import dev.vigile.common.problem.BearerChallenge;
import dev.vigile.common.web.ErrorWriter;
import dev.vigile.security.control.AccessTokenVerifier;
import dev.vigile.security.control.TokenRevocation;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Guards the WebSocket handshake before the upgrade: a browser's {@code Origin} must be this
 * server's own or one of {@code vigile.ws.allowed-origins} (else 403); the access token, offered
 * as the subprotocol {@code bearer.<token>} or, as a fallback, the {@code access_token} query
 * parameter, must be valid, unexpired and not cut off (else 401); and a user may hold only so many
 * connections on this instance (else 429). The caller then travels to the endpoint as the
 * request's principal.
 */
public class WsAuthFilter extends HttpFilter {
  static final String BEARER_PREFIX = "bearer.";

  @Inject AccessTokenVerifier verifier;
  @Inject TokenRevocation revocation;
  @Inject Connections connections;

  @Inject
  @ConfigProperty(name = "vigile.ws.allowed-origins", defaultValue = " ")
  String allowedOrigins;

  @Override
  protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    String origin = req.getHeader("Origin");
    if (origin != null && !originAllowed(origin, req)) {
      ErrorWriter.write(req, res, 403, "This origin may not open a WebSocket here.", null);
      return;
    }
    String token = token(req);
    if (token == null) {
      ErrorWriter.write(req, res, 401, "An access token is required.",
          Map.of("WWW-Authenticate", BearerChallenge.forRequest(null)));
      return;
    }
    AccessTokenVerifier.Result result = verifier.verify(token);
    if (!(result instanceof AccessTokenVerifier.Valid valid)
        || revocation.refused(valid.caller().userId(), valid.caller().sessionId(), valid.caller().issuedAtMicros())) {
      String detail =
          result instanceof AccessTokenVerifier.Expired
              ? "The access token has expired."
              : "The access token is invalid or has been revoked.";
      ErrorWriter.write(req, res, 401, detail, Map.of("WWW-Authenticate", BearerChallenge.INVALID_TOKEN));
      return;
    }
    if (!connections.admits(valid.caller().userId())) {
      ErrorWriter.write(req, res, 429, "Too many open connections for this user.", Map.of("Retry-After", "5"));
      return;
    }
    WsCaller caller = new WsCaller(valid.caller(), valid.expiresAt());
    req.setAttribute(dev.vigile.platform.observability.RequestLogFilter.USER_ATTRIBUTE, caller.getName());
    chain.doFilter(
        new HttpServletRequestWrapper(req) {
          @Override
          public Principal getUserPrincipal() {
            return caller;
          }
        },
        res);
  }

  /** The token from the {@code bearer.} subprotocol, else from {@code access_token}. */
  static String token(HttpServletRequest req) {
    for (String header : Collections.list(req.getHeaders("Sec-WebSocket-Protocol"))) {
      for (String protocol : header.split(",")) {
        String p = protocol.trim();
        if (p.regionMatches(true, 0, BEARER_PREFIX, 0, BEARER_PREFIX.length()) && p.length() > BEARER_PREFIX.length()) {
          return p.substring(BEARER_PREFIX.length());
        }
      }
    }
    String query = req.getParameter("access_token");
    return query == null || query.isBlank() ? null : query.trim();
  }

  boolean originAllowed(String origin, HttpServletRequest req) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    String self = (req.getScheme() + "://" + req.getHeader("Host")).toLowerCase(Locale.ROOT);
    if (o.equals(self)) {
      return true;
    }
    List<String> allowed = new ArrayList<>();
    for (String a : allowedOrigins.split(",")) {
      if (!a.isBlank()) {
        allowed.add(a.trim().toLowerCase(Locale.ROOT).replaceAll("/+$", ""));
      }
    }
    try {
      URI.create(o);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return allowed.contains(o) || allowed.contains("*");
  }
}
