package dev.vigile.identity.accounts.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.text.Emails;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.security.PasswordHasher;
import dev.vigile.security.PasswordPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Creates the first administrator from {@code VIGILE_ADMIN_EMAIL} and {@code
 * VIGILE_ADMIN_PASSWORD} when no admin exists. Never a default admin; never promotes an existing
 * account (someone could have registered the address first).
 */
@ApplicationScoped
public class AdminBootstrap {
    private static final Logger LOG = Logger.getLogger(AdminBootstrap.class.getName());

    @Inject
    UserRepository users;

    @Inject
    PasswordHasher hasher;

    @Inject
    Clock clock;

    @Inject
    AuditLog audit;

    @Inject
    @ConfigProperty(name = "vigile.admin.email")
    Optional<String> email;

    @Inject
    @ConfigProperty(name = "vigile.admin.password")
    Optional<String> password;

    @Transactional
    public void ensureFirstAdmin() {
        if (email.filter(s -> !s.isBlank()).isEmpty()
                || password.filter(s -> !s.isBlank()).isEmpty()) {
            return;
        }
        users.lock("vigile.first-admin");
        if (users.adminExists()) {
            return;
        }
        String address;
        try {
            address = Emails.normalize("email", email.get());
        } catch (RuntimeException e) {
            LOG.severe("VIGILE_ADMIN_EMAIL is not a valid email address; no admin created");
            return;
        }
        if (PasswordPolicy.check("password", password.get(), address).isPresent()) {
            LOG.severe("VIGILE_ADMIN_PASSWORD breaks the password rules; no admin created");
            return;
        }
        UUID id = UUID.randomUUID();
        if (!users.insertIfAbsent(id, address, "Administrator", hasher.hash(password.get()), clock.instant())) {
            LOG.severe("VIGILE_ADMIN_EMAIL belongs to an existing non-admin account; it is not promoted");
            return;
        }
        users.addRole(id, Role.USER);
        users.addRole(id, Role.ADMIN);
        // The operator gave this address: it needs no proof.
        users.findById(id).ifPresent(u -> u.markEmailVerified(clock.instant()));
        audit.record(AuditEntry.success(AuditActions.USER_CREATED)
                .target("user", id)
                .detail("email", address)
                .detail("roles", List.of(Role.ADMIN, Role.USER))
                .detail("source", "VIGILE_ADMIN_EMAIL"));
        LOG.info("Created the first admin account " + address);
    }
}
