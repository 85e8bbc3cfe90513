package dev.vigile.identity.sessions.boundary;

import dev.vigile.common.problem.ApplicationException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The browser form of the token endpoints, for the admin dashboard (OWASP Session Management and
 * CSRF cheat sheets). A request with {@code X-Vigile-Client: browser} gets its refresh token in an
 * HttpOnly, SameSite=Strict cookie scoped to {@code /api/auth} (never in the body, so page
 * scripts never see it), plus a CSRF token in a readable cookie. Refresh and logout without a
 * body token then use the cookie, and only when the {@code X-CSRF-Token} header repeats the CSRF
 * cookie (double submit); a cross-site page can neither read that cookie nor send that header.
 */
final class BrowserSession {
    static final String CLIENT_HEADER = "X-Vigile-Client";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String REFRESH_COOKIE = "vigile_refresh";
    static final String CSRF_COOKIE = "vigile_csrf";
    /** Over HTTPS the CSRF cookie is a {@code __Host-} cookie: host-only, {@code Path=/}, Secure. */
    static final String CSRF_HOST_COOKIE = "__Host-vigile_csrf";

    static final String COOKIE_PATH = "/api/auth";
    static final String DEVICE_COOKIE = "vigile_device";
    /**
     * The device cookie goes to the sign-ins: {@code /api/auth/login} and {@code /api/auth/passkey}
     * (whose common parent this is). Scoped to {@code /api/auth/login}, as until 2026-12-08, a
     * browser never sent it with a passkey sign-in, which was then always a new device (a
     * new-device mail at each one).
     */
    static final String DEVICE_COOKIE_PATH = "/api/auth";

    /** Where the device cookie lived before: expired whenever the cookie is set at its new path. */
    static final String OLD_DEVICE_COOKIE_PATH = "/api/auth/login";

    static final int DEVICE_COOKIE_AGE = 365 * 24 * 3600;

    private BrowserSession() {}

    static boolean requested(HttpServletRequest request) {
        return "browser".equalsIgnoreCase(request.getHeader(CLIENT_HEADER));
    }

    /** Sets both cookies on a token response. */
    /** @param secure the client came over HTTPS (directly, or as a trusted proxy says) */
    static Response.ResponseBuilder withCookies(
            Response.ResponseBuilder builder, String refreshToken, long maxAge, String csrfToken, boolean secure) {
        int age = (int) Math.min(Integer.MAX_VALUE, maxAge);
        return builder.cookie(
                new NewCookie.Builder(REFRESH_COOKIE)
                        .value(refreshToken)
                        .path(COOKIE_PATH)
                        .maxAge(age)
                        .httpOnly(true)
                        .secure(secure)
                        .sameSite(NewCookie.SameSite.STRICT)
                        .build(),
                new NewCookie.Builder(secure ? CSRF_HOST_COOKIE : CSRF_COOKIE)
                        .value(csrfToken)
                        .path("/")
                        .maxAge(age)
                        .httpOnly(false)
                        .secure(secure)
                        .sameSite(NewCookie.SameSite.STRICT)
                        .build());
    }

    /**
     * Sets the device cookie (HttpOnly, sent to the sign-ins only) on a sign-in's response, and
     * expires the one a browser may still hold at the old path: sent first (the longer path), a
     * void one there would hide this one from every password sign-in.
     */
    static Response.ResponseBuilder withDeviceCookie(
            Response.ResponseBuilder builder, String deviceToken, boolean secure) {
        return builder.cookie(
                deviceCookie("", OLD_DEVICE_COOKIE_PATH, 0, secure),
                deviceCookie(deviceToken, DEVICE_COOKIE_PATH, DEVICE_COOKIE_AGE, secure));
    }

    private static NewCookie deviceCookie(String value, String path, int maxAge, boolean secure) {
        return new NewCookie.Builder(DEVICE_COOKIE)
                .value(value)
                .path(path)
                .maxAge(maxAge)
                .httpOnly(true)
                .secure(secure)
                .sameSite(NewCookie.SameSite.STRICT)
                .build();
    }

    /**
     * The device token a browser's cookie carries, or null. With two (one still at the old path,
     * which browsers send first), the last: the one set at the current path.
     */
    static String deviceTokenFromCookie(HttpServletRequest request) {
        List<String> values = cookies(request, DEVICE_COOKIE);
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    /** Expires both cookies (logout). */
    static Response.ResponseBuilder clearCookies(Response.ResponseBuilder builder, boolean secure) {
        return builder.cookie(
                new NewCookie.Builder(REFRESH_COOKIE)
                        .value("")
                        .path(COOKIE_PATH)
                        .maxAge(0)
                        .httpOnly(true)
                        .secure(secure)
                        .sameSite(NewCookie.SameSite.STRICT)
                        .build(),
                new NewCookie.Builder(secure ? CSRF_HOST_COOKIE : CSRF_COOKIE)
                        .value("")
                        .path("/")
                        .maxAge(0)
                        .httpOnly(false)
                        .secure(secure)
                        .sameSite(NewCookie.SameSite.STRICT)
                        .build());
    }

    /**
     * The refresh token from the cookie, after the CSRF check: 403 when the header does not repeat
     * the CSRF cookie, 401 when there is no refresh cookie.
     */
    static String refreshTokenFromCookie(HttpServletRequest request) {
        String csrfCookie = cookie(request, CSRF_HOST_COOKIE) != null
                ? cookie(request, CSRF_HOST_COOKIE)
                : cookie(request, CSRF_COOKIE);
        String csrfHeader = request.getHeader(CSRF_HEADER);
        if (cookie(request, REFRESH_COOKIE) == null && csrfHeader == null) {
            // Not a browser session at all: the JSON-body form is missing its field.
            throw ApplicationException.invalid(
                    "refreshToken", "must not be null (browsers: the session cookie with " + CSRF_HEADER + ")");
        }
        if (csrfCookie == null
                || csrfHeader == null
                || !MessageDigest.isEqual(
                        csrfCookie.getBytes(StandardCharsets.UTF_8), csrfHeader.getBytes(StandardCharsets.UTF_8))) {
            throw ApplicationException.forbidden("The CSRF token is missing or does not match.");
        }
        String token = cookie(request, REFRESH_COOKIE);
        if (token == null || token.isEmpty()) {
            throw ApplicationException.unauthorized(
                    dev.vigile.common.problem.ProblemTypes.INVALID_REFRESH_TOKEN,
                    "Invalid refresh token",
                    "No session cookie.");
        }
        return token;
    }

    /** The CSRF header (checked against the cookie by {@link #refreshTokenFromCookie}). */
    static String csrfHeader(HttpServletRequest request) {
        return request.getHeader(CSRF_HEADER);
    }

    /** The first value of the cookie {@code name}, or null. */
    private static String cookie(HttpServletRequest request, String name) {
        List<String> values = cookies(request, name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Every value of the cookie {@code name}, in the order the request sent them. */
    private static List<String> cookies(HttpServletRequest request, String name) {
        if (request.getCookies() == null) {
            return List.of();
        }
        return java.util.Arrays.stream(request.getCookies())
                .filter(c -> c.getName().equals(name))
                .map(jakarta.servlet.http.Cookie::getValue)
                .toList();
    }
}
