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
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Cache-Control", "no-store");
        all.put("Pragma", "no-cache");
        dev.vigile.common.web.JsonResponses.write(res, status, body, all);
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

    /** A request the OAuth endpoints refuse before reading its parameters: the status and why. */
    static final class FormException extends Exception {
        final int status;

        FormException(int status, String description) {
            super(description, null, false, false);
            this.status = status;
        }
    }

    /**
     * The form body (RFC 6749 appendix B), read here from the request's counted stream so that the
     * body limit holds however it is sent (chunked included), and strictly: UTF-8, every name once,
     * nothing in the query string (secrets must not be in URLs, section 3.2), valid escapes only.
     */
    static Map<String, String> form(HttpServletRequest req) throws FormException, IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith(FORM)) {
            throw new FormException(400, "The body must be " + FORM + ".");
        }
        if (req.getQueryString() != null && !req.getQueryString().isEmpty()) {
            throw new FormException(400, "Parameters are accepted in the body only.");
        }
        byte[] body;
        try {
            body = req.getInputStream().readAllBytes();
        } catch (IOException e) {
            if (dev.vigile.common.web.BodyLimitFilter.exceeded(req)) {
                throw new FormException(413, "The request body is too large.");
            }
            throw e;
        }
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
                value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new FormException(400, "The body is not a valid form.");
            }
            if (values.putIfAbsent(name, value) != null) {
                throw new FormException(400, "The parameter " + printable(name) + " is repeated.");
            }
        }
        return values;
    }

    /** The form, or null once the refusal ({@code invalid_request}, or 413) is written. */
    static Map<String, String> formOrRefusal(HttpServletRequest req, HttpServletResponse res) throws IOException {
        try {
            return form(req);
        } catch (FormException e) {
            error(res, e.status, "invalid_request", e.getMessage(), Map.of());
            return null;
        }
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
