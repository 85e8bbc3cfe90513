package dev.vigile.identity.sessions.boundary;

import dev.vigile.common.problem.AccessRefused;
import dev.vigile.identity.sessions.control.TokenRevocation;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The role check runs before {@link RevocationFilter}, so a token whose groups were withdrawn
 * meets a 403 first: answered 401 instead, as for any other cut-off token.
 */
@ApplicationScoped
public class RevokedTokenRefusal {
    @Inject
    TokenRevocation revocation;

    void onRefused(@Observes @Priority(AccessRefused.REVOKED_TOKEN) AccessRefused refused) {
        if (refused.security() != null
                && RevocationFilter.refused(revocation, refused.security().getUserPrincipal())) {
            refused.answerWith(RevocationFilter.revoked());
        }
    }
}
