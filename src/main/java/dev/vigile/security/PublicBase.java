package dev.vigile.security;

import dev.vigile.common.web.ClientAddressResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The base of the URLs Vigile publishes in its metadata (discovery, shared signals, a stream's poll
 * endpoint): {@code VIGILE_PUBLIC_URL} without its trailing slashes, else the request's own origin
 * (https when the client came over TLS, directly or as a trusted proxy says) and context path, with
 * a {@code Host} that is a plain host name or address (else the server's own name).
 */
@ApplicationScoped
public class PublicBase {
    /** A Host header fit to build URLs from: a name or address and a port, nothing else. */
    static final Pattern HOST =
            Pattern.compile("^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$|^\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?$");

    @Inject
    @ConfigProperty(name = "vigile.public-url")
    Optional<String> publicUrl;

    @Inject
    ClientAddressResolver addresses;

    /** Whether the base comes from the configuration (then the same for every request). */
    public boolean configured() {
        return configuredUrl().isPresent();
    }

    public String of(HttpServletRequest req) {
        return configuredUrl().orElseGet(() -> {
            String host = req.getHeader("Host");
            if (host == null || !HOST.matcher(host).matches()) {
                host = req.getServerName() + ":" + req.getServerPort();
            }
            return (addresses.secure(req) ? "https" : "http") + "://" + host + req.getContextPath();
        });
    }

    /**
     * A metadata document's caching (API.md: "cached publicly for a short time"): public for five
     * minutes; when its URLs come from the request, it varies with what they were built from (the
     * {@code Host}, and the scheme a trusted proxy names), so that a shared cache never serves one
     * origin's document for another.
     */
    public void cacheHeaders(HttpServletResponse res) {
        res.setHeader("Cache-Control", "public, max-age=300");
        if (!configured()) {
            res.setHeader("Vary", "Host, X-Forwarded-Proto");
        }
    }

    private Optional<String> configuredUrl() {
        return publicUrl.map(String::strip).filter(u -> !u.isEmpty()).map(u -> u.replaceAll("/+$", ""));
    }
}
