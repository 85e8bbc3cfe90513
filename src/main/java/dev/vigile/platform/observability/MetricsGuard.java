package dev.vigile.platform.observability;

import dev.vigile.common.web.ClientAddressResolver;
import dev.vigile.common.web.ErrorWriter;
import dev.vigile.common.web.IpRange;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /metrics} (Payara serves it inside Vigile's context) answers only a scraper that gives
 * the scrape token ({@code VIGILE_METRICS_TOKEN}) as the password of HTTP Basic authentication, or
 * a client whose address (proxy-aware) is in {@code vigile.metrics.allowed-addresses} (loopback by
 * default); otherwise 401. Basic, not Bearer: MicroProfile JWT answers 401 to any bearer value
 * that is not one of Vigile's access tokens before any filter runs. Health stays public.
 *
 * <p>A stage of {@link dev.vigile.platform.RequestPipeline}.
 */
@Dependent
public class MetricsGuard extends HttpFilter {
    @Inject
    ClientAddressResolver addresses;

    @Inject
    @ConfigProperty(name = "vigile.metrics.token")
    Optional<String> token;

    @Inject
    @ConfigProperty(name = "vigile.metrics.allowed-addresses", defaultValue = "127.0.0.1,::1")
    String allowedAddresses;

    private List<IpRange> allowed;

    @Override
    public void init() {
        allowed = IpRange.parseList(allowedAddresses);
    }

    static boolean isMetrics(String path) {
        return path.equals("/metrics") || path.startsWith("/metrics/");
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!isMetrics(req.getRequestURI()) || admitted(req)) {
            chain.doFilter(req, res);
            return;
        }
        ErrorWriter.write(
                req,
                res,
                401,
                "Metrics are for the scraper: give the scrape token (HTTP Basic password).",
                Map.of("WWW-Authenticate", "Basic realm=\"metrics\", charset=\"UTF-8\""));
    }

    private boolean admitted(HttpServletRequest req) {
        String client = addresses.resolve(req);
        if (allowed.stream().anyMatch(r -> r.contains(client))) {
            return true;
        }
        String expected = token.filter(t -> !t.isBlank()).orElse(null);
        String header = req.getHeader("Authorization");
        if (expected == null || header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String credentials;
        try {
            credentials =
                    new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        String password = credentials.substring(credentials.indexOf(':') + 1);
        return MessageDigest.isEqual(digest(password), digest(expected));
    }

    /** Compared as digests, so that neither length nor content leaks through timing. */
    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
