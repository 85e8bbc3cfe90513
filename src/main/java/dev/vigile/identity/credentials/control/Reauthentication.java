package dev.vigile.identity.credentials.control;

import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.security.LoginThrottle;
import dev.vigile.security.PasswordHasher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A signed-in user proves they know the password again before a sensitive change (a second
 * factor, the email): throttled per user and address apart from sign-in failures; a wrong
 * password is audited under the change's action and is a 400 naming {@code currentPassword}.
 */
@ApplicationScoped
public class Reauthentication {
    @Inject
    LoginThrottle throttle;

    @Inject
    PasswordHasher hasher;

    @Inject
    AuditLog audit;

    @Inject
    VigileMetrics metrics;

    public void require(User user, String password, ClientInfo client, String action) {
        long wait = throttle.reauthentication(user.id(), client.ip());
        if (wait > 0) {
            metrics.throttled();
            throw ApplicationException.tooManyRequests(wait);
        }
        if (password == null || !hasher.verify(password, user.passwordHash()).matches()) {
            audit.recordAlone(AuditEntry.failure(action)
                    .actor(user.id(), user.email())
                    .target("user", user.id())
                    .detail("reason", "wrong current password"));
            throw ApplicationException.invalid("currentPassword", "is not the current password");
        }
        throttle.reauthenticated(user.id(), client.ip());
    }
}
