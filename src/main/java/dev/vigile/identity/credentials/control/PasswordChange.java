package dev.vigile.identity.credentials.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.Accounts;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.PasswordChanged;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import dev.vigile.security.LoginThrottle;
import dev.vigile.security.PasswordHasher;
import dev.vigile.security.PasswordPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PUT /api/users/me/password}: the current password must be right (tries are throttled
 * like sign-ins); every other session is revoked with its access tokens, and the caller's session
 * survives with its own (API.md).
 * Both hashes are computed outside the unit of work.
 */
@ApplicationScoped
public class PasswordChange {
    @Inject
    Accounts accounts;

    @Inject
    UserRepository users;

    @Inject
    PasswordHasher hasher;

    @Inject
    LoginThrottle throttle;

    @Inject
    Event<PasswordChanged> changed;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    public void change(CurrentCaller caller, String current, String next, ClientInfo client) {
        User user = accounts.get(caller.userId());
        long wait = throttle.tryAttempt(user.email(), client.ip());
        if (wait > 0) {
            throw ApplicationException.tooManyRequests(wait);
        }
        if (!hasher.verify(current, user.passwordHash()).matches()) {
            audit.recordAlone(AuditEntry.failure(AuditActions.AUTH_PASSWORD_CHANGED)
                    .actor(user.id(), user.email())
                    .target("user", user.id())
                    .detail("reason", "wrong current password"));
            throw ApplicationException.invalid("currentPassword", "is not the current password");
        }
        throttle.succeeded(user.email(), client.ip());
        List<Problem.FieldError> errors = new ArrayList<>();
        PasswordPolicy.check("newPassword", next, user.email()).ifPresent(errors::add);
        if (errors.isEmpty() && next.equals(current)) {
            errors.add(new Problem.FieldError("newPassword", "must differ from the current password"));
        }
        if (!errors.isEmpty()) {
            throw ApplicationException.invalid(errors);
        }
        String expectedHash = user.passwordHash();
        String newHash = hasher.hash(next);
        work.run(() -> {
            if (!users.replacePasswordHash(caller.userId(), expectedHash, newHash, clock.instant())) {
                throw ApplicationException.conflict("The password was changed meanwhile; try again.");
            }
            changed.fire(new PasswordChanged(caller.userId(), caller.sessionId()));
            audit.record(AuditEntry.success(AuditActions.AUTH_PASSWORD_CHANGED)
                    .actor(caller.userId(), caller.email())
                    .target("user", caller.userId()));
        });
    }
}
