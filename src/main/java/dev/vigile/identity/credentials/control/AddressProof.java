package dev.vigile.identity.credentials.control;

import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Whether an account's address was ever proven (docs/security.md, "An address never verified").
 * An address its account never proved, past the verification window, on an account holding only
 * {@code USER}: its factors are a possible squatter's. An account given any role beyond USER was
 * vouched for by an administrator, and keeps its factor whatever its mailbox says.
 */
@ApplicationScoped
public class AddressProof {
    @Inject
    Clock clock;

    @Inject
    CredentialSettings settings;

    public boolean unproven(User user) {
        return unproven(
                user.emailVerified(), user.createdAt(), user.roleNames(), clock.instant(), settings.verifyTtl());
    }

    /** The rule, apart from the entity and the clock. */
    static boolean unproven(boolean verified, Instant createdAt, Set<String> roles, Instant now, Duration verifyTtl) {
        return !verified && !createdAt.isAfter(now.minus(verifyTtl)) && roles.equals(Set.of(Role.USER));
    }
}
