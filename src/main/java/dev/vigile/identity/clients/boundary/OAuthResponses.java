package dev.vigile.identity.clients.boundary;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * What the OAuth endpoints share: their JSON answers, never cached (RFC 6749 section 5.1), their
 * errors (section 5.2), and the reading of their form bodies and client credentials.
 */
final class OAuthResponses {
    static final String FORM = "application/x-www-form-urlencoded";
    static final String BASIC_CHALLENGE = "Basic realm=\"vigile\", charset=\"UTF-8\"";

    private OAuthResponses() {}

    static void json(HttpServletResponse res, int status, JsonObject body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("Pragma", "no-cache");
        headers.forEach(res::setHeader);
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
    }

    static void error(
            HttpServletResponse res, int status, String error, String description, Map<String, String> headers)
            throws IOException {
        json(
                res,
                status,
                Json.createObjectBuilder()
                        .add("error", error)
                        .add("error_description", description)
                        .build(),
                headers);
    }

    /** 429: too many failed client authentications from the address. */
    static void throttled(HttpServletResponse res, long seconds) throws IOException {
        error(
                res,
                429,
                "temporarily_unavailable",
                "Too many failed attempts; retry after " + seconds + " seconds.",
                Map.of("Retry-After", String.valueOf(seconds)));
    }

    /** A form request problem, as {@code invalid_request}; null when the request is well formed. */
    static String formProblem(HttpServletRequest req) {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith(FORM)) {
            return "The body must be " + FORM + ".";
        }
        if (req.getQueryString() != null && !req.getQueryString().isEmpty()) {
            return "Parameters are accepted in the body only.";
        }
        for (Map.Entry<String, String[]> p : req.getParameterMap().entrySet()) {
            if (p.getValue().length > 1) {
                return "The parameter " + printable(p.getKey()) + " is repeated.";
            }
        }
        return null;
    }

    /** Client credentials of an HTTP Basic header (RFC 6749 section 2.3.1), or null for another scheme. */
    record Basic(String clientId, String secret) {}

    /** Throws IllegalArgumentException for a Basic header that does not decode. */
    static Basic basic(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded =
                new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("No colon");
        }
        return new Basic(formDecode(decoded.substring(0, colon)), formDecode(decoded.substring(colon + 1)));
    }

    private static String formDecode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    static boolean bearer(String header) {
        return header != null && header.length() > 7 && header.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /** A parameter name fit to echo: bounded and printable. */
    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("[^A-Za-z0-9_.-]", "?");
    }
}
