package dev.vigile.common.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

/** Builds {@link ClientInfo} from a request. */
@ApplicationScoped
public class ClientInfoResolver {
    @Inject
    ClientAddressResolver addresses;

    public ClientInfo of(HttpServletRequest request) {
        return new ClientInfo(
                addresses.resolve(request), request.getHeader("User-Agent"), request.getHeader("Accept-Language"));
    }

    /** Whether the client came over HTTPS: directly, or as a trusted proxy says. */
    public boolean secure(HttpServletRequest request) {
        return addresses.secure(request);
    }
}
