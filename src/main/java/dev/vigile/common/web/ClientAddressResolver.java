package dev.vigile.common.web;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The client's address: the peer's, unless the peer is a configured trusted proxy, in which case
 * the right-most address of {@code X-Forwarded-For} that is not itself a trusted proxy. A client
 * cannot spoof its address by sending the header to Vigile directly.
 */
@ApplicationScoped
public class ClientAddressResolver {

    @Inject
    @ConfigProperty(name = "vigile.http.trusted-proxies")
    Optional<String> trustedProxies;

    private List<IpRange> trusted;

    @PostConstruct
    void init() {
        trusted = IpRange.parseList(trustedProxies.orElse(""));
    }

    public String resolve(HttpServletRequest request) {
        return resolve(request.getRemoteAddr(), request.getHeaders("X-Forwarded-For"));
    }

    /**
     * Whether the client reached us over HTTPS: directly, or through a trusted proxy that says so
     * in {@code X-Forwarded-Proto} (an untrusted peer's header is ignored).
     */
    public boolean secure(HttpServletRequest request) {
        return request.isSecure()
                || (isTrusted(request.getRemoteAddr())
                        && "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto")));
    }

    String resolve(String peer, java.util.Enumeration<String> forwardedHeaders) {
        if (!isTrusted(peer) || forwardedHeaders == null) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        while (forwardedHeaders.hasMoreElements()) {
            for (String hop : forwardedHeaders.nextElement().split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (!IpRange.isLiteral(hop)) {
                // Garbage in the chain: stop trusting it and use the last trustworthy address.
                return peer;
            }
            if (!isTrusted(hop)) {
                return hop;
            }
            peer = hop;
        }
        return peer;
    }

    private boolean isTrusted(String address) {
        return trusted.stream().anyMatch(r -> r.contains(address));
    }
}
