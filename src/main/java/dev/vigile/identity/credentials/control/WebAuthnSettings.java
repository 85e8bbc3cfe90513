package dev.vigile.identity.credentials.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where passkeys are bound: the relying party id ({@code VIGILE_WEBAUTHN_RP_ID}, else the host of
 * {@code VIGILE_PUBLIC_URL}, else {@code localhost}) and the origins a ceremony may come from
 * ({@code VIGILE_PUBLIC_URL}'s origin, else the developer's {@code http://localhost:8080} or
 * {@code VIGILE_PORT}'s, plus {@code VIGILE_WEBAUTHN_ORIGINS}). Never the request's {@code Host}:
 * a relaying page would send its own.
 */
@ApplicationScoped
public class WebAuthnSettings {
    @Inject
    @ConfigProperty(name = "vigile.webauthn.rp-id")
    Optional<String> rpId;

    @Inject
    @ConfigProperty(name = "vigile.webauthn.origins")
    Optional<String> origins;

    @Inject
    @ConfigProperty(name = "vigile.public-url")
    Optional<String> publicUrl;

    private String resolvedRpId;
    private Set<String> resolvedOrigins;

    /** Read once: every ceremony needs both, and the configuration does not change while running. */
    @jakarta.annotation.PostConstruct
    void resolve() {
        resolvedRpId = rpId(rpId, publicUrl);
        resolvedOrigins = origins(origins, publicUrl, System.getenv("VIGILE_PORT"));
    }

    public String rpId() {
        return resolvedRpId;
    }

    public Set<String> origins() {
        return resolvedOrigins;
    }

    static String rpId(Optional<String> configured, Optional<String> publicUrl) {
        return configured
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT))
                .orElseGet(() -> publicUrl
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .map(u -> URI.create(u).getHost())
                        .map(h -> h.toLowerCase(Locale.ROOT))
                        .orElse("localhost"));
    }

    static Set<String> origins(Optional<String> configured, Optional<String> publicUrl, String port) {
        Set<String> all = new LinkedHashSet<>();
        String own = publicUrl
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(WebAuthnSettings::originOf)
                .orElseGet(() -> "http://localhost:"
                        + (port != null && port.strip().matches("[0-9]{1,5}") ? port.strip() : "8080"));
        all.add(own);
        configured.ifPresent(list -> {
            for (String o : list.split(",")) {
                if (!o.isBlank()) {
                    all.add(originOf(o.strip()));
                }
            }
        });
        return Set.copyOf(all);
    }

    /** {@code scheme://host[:port]} of a URL, lower case, the default port left out. */
    static String originOf(String url) {
        URI u = URI.create(url);
        if (u.getScheme() == null || u.getHost() == null) {
            throw new IllegalArgumentException("Not an absolute URL: " + url);
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
