package dev.vigile.security.boundary;

import dev.vigile.security.VerifiedToken;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.security.enterprise.SecurityContext;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code @Inject JsonWebToken}: the request's verified access token. Payara's own producer only
 * knows the tokens of its own mechanism (it casts the caller to its implementation), so this one,
 * an alternative, takes its place. Without a caller it is a token with no claims, as MicroProfile
 * JWT specifies.
 */
@ApplicationScoped
@Alternative
@Priority(Interceptor.Priority.APPLICATION)
public class CallerTokenProducer {
    private static final JsonWebToken NONE = new NoToken();

    @Inject
    SecurityContext security;

    @Produces
    @RequestScoped
    JsonWebToken token() {
        return security.getCallerPrincipal() instanceof VerifiedToken token ? token : NONE;
    }

    /** The anonymous caller's token: no name, no claims. */
    private static final class NoToken implements JsonWebToken {
        @Override
        public String getName() {
            return null;
        }

        @Override
        public Set<String> getClaimNames() {
            return null;
        }

        @Override
        public <T> T getClaim(String claimName) {
            return null;
        }
    }
}
