package dev.vigile.common.web;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Headers every response carries (OWASP REST Security and HTTP Headers cheat sheets) and the
 * request id, taken from {@code X-Request-Id} when it is sane, else generated.
 *
 * <p>A stage of {@link dev.vigile.platform.RequestPipeline}, which creates it (as a CDI bean, so
 * its injections are made) and calls its {@code init}, {@code doFilter} and {@code destroy}.
 */
@Dependent
public class SecurityHeadersFilter extends HttpFilter {
    @Inject
    ClientAddressResolver clients;

    /** A year, subdomains included (OWASP HTTP Strict Transport Security cheat sheet). */
    static final String HSTS = "max-age=31536000; includeSubDomains";

    public static final String REQUEST_ID = "X-Request-Id";
    public static final String REQUEST_ID_ATTRIBUTE = "vigile.requestId";
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    /** API answers load nothing; the web pages load only their own files. */
    static String contentSecurityPolicy(String path) {
        if (path.startsWith("/admin/") || path.startsWith("/account/")) {
            return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                    + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
                    + " frame-ancestors 'none'";
        }
        if (path.startsWith("/docs/") || path.startsWith("/webjars/swagger-ui/")) {
            // Swagger UI sets inline styles; no inline script is allowed.
            return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
                    + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        }
        return "default-src 'none'; frame-ancestors 'none'";
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String requestId = req.getHeader(REQUEST_ID);
        if (requestId == null || !SANE_ID.matcher(requestId).matches()) {
            requestId = UUID.randomUUID().toString();
        }
        req.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
        res.setHeader(REQUEST_ID, requestId);
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Referrer-Policy", "no-referrer");
        res.setHeader("Content-Security-Policy", contentSecurityPolicy(req.getRequestURI()));
        res.setHeader("Cache-Control", "no-store");
        if (clients.secure(req)) {
            res.setHeader("Strict-Transport-Security", HSTS);
        }
        chain.doFilter(req, res);
    }
}
