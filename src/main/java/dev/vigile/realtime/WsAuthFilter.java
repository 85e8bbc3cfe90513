package dev.vigile.realtime;

import dev.vigile.common.problem.BearerChallenge;
import dev.vigile.common.web.ErrorWriter;
import dev.vigile.identity.Directory;
import dev.vigile.security.AccessTokenVerifier;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
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

    @Inject
    AccessTokenVerifier verifier;

    @Inject
    Directory identity;

    @Inject
    Connections connections;

    @Inject
    @ConfigProperty(name = "vigile.ws.allowed-origins", defaultValue = " ")
    String allowedOrigins;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String origin = req.getHeader("Origin");
        if (origin != null && !originAllowed(origin, req)) {
            refuse(req, res, 403, "This origin may not open a WebSocket here.", null);
            return;
        }
        String token = token(req);
        if (token == null) {
            refuse(
                    req,
                    res,
                    401,
                    "An access token is required.",
                    Map.of("WWW-Authenticate", BearerChallenge.forRequest(null)));
            return;
        }
        AccessTokenVerifier.Result result = verifier.verify(token);
        if (!(result instanceof AccessTokenVerifier.Valid valid) || identity.cutOff(valid.caller())) {
            String detail = result instanceof AccessTokenVerifier.Expired
                    ? "The access token has expired."
                    : "The access token is invalid or has been revoked.";
            refuse(req, res, 401, detail, Map.of("WWW-Authenticate", BearerChallenge.INVALID_TOKEN));
            return;
        }
        if (!valid.signedIn()) {
            refuse(req, res, 403, "This token may only enroll a second factor.", null);
            return;
        }
        UUID user = valid.caller().userId();
        if (!connections.reserve(user)) {
            refuse(req, res, 429, "Too many open connections for this user.", Map.of("Retry-After", "5"));
            return;
        }
        boolean upgraded = false;
        try {
            WsCaller caller = new WsCaller(valid.caller(), valid.expiresAt(), valid.groups());
            req.setAttribute(dev.vigile.platform.observability.RequestLogFilter.USER_ATTRIBUTE, caller.getName());
            chain.doFilter(
                    new HttpServletRequestWrapper(req) {
                        @Override
                        public Principal getUserPrincipal() {
                            return caller;
                        }
                    },
                    res);
            upgraded = res.getStatus() == HttpServletResponse.SC_SWITCHING_PROTOCOLS;
        } finally {
            if (!upgraded) {
                connections.release(user);
            }
        }
    }

    /**
     * A refused handshake, with {@code Connection: close}: the server ends the connection after
     * it, and a keep-alive client must not try to reuse it.
     */
    private static void refuse(
            HttpServletRequest req, HttpServletResponse res, int status, String detail, Map<String, String> headers)
            throws IOException {
        Map<String, String> all = new HashMap<>(headers == null ? Map.of() : headers);
        all.put("Connection", "close");
        ErrorWriter.write(req, res, status, detail, all);
    }

    /** The token from the {@code bearer.} subprotocol, else from {@code access_token}. */
    static String token(HttpServletRequest req) {
        for (String header : Collections.list(req.getHeaders("Sec-WebSocket-Protocol"))) {
            for (String protocol : header.split(",")) {
                String p = protocol.trim();
                if (p.regionMatches(true, 0, BEARER_PREFIX, 0, BEARER_PREFIX.length())
                        && p.length() > BEARER_PREFIX.length()) {
                    return p.substring(BEARER_PREFIX.length());
                }
            }
        }
        String query = req.getParameter("access_token");
        return query == null || query.isBlank() ? null : query.trim();
    }

    @Inject
    @ConfigProperty(name = "vigile.public-url", defaultValue = " ")
    String publicUrl;

    /**
     * The server's own origin is the configured public URL's, never what the request's {@code Host}
     * says: a DNS-rebinding page sends its own name as both. Without a public URL (a developer's
     * machine), the request's own origin is accepted only on a loopback host.
     */
    boolean originAllowed(String origin, HttpServletRequest req) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        String own = originOf(publicUrl);
        if (own != null) {
            if (o.equals(own)) {
                return true;
            }
        } else {
            String host = req.getServerName() == null ? "" : req.getServerName().toLowerCase(Locale.ROOT);
            boolean loopback =
                    host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
            String self = (req.getScheme() + "://" + req.getHeader("Host")).toLowerCase(Locale.ROOT);
            if (loopback && o.equals(self)) {
                return true;
            }
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

    /** {@code scheme://host[:port]} of a URL, lower case, or null when unset or not a URL. */
    static String originOf(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI u = URI.create(url.trim());
            if (u.getScheme() == null || u.getHost() == null) {
                return null;
            }
            String port = u.getPort() < 0 ? "" : ":" + u.getPort();
            return (u.getScheme() + "://" + u.getHost() + port).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
