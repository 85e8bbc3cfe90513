package dev.vigile.identity.accounts.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.SignedOutByAdmin;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.UUID;

/**
 * {@code DELETE /api/admin/users/{id}/sessions}: signs the user out everywhere (the sessions
 * feature ends the sessions on the event, in this unit of work).
 */
@ApplicationScoped
public class AdminSignOut {
    @Inject
    UserRepository users;

    @Inject
    Privileges privileges;

    @Inject
    Event<SignedOutByAdmin> signedOut;

    @Inject
    AuditLog audit;

    @Inject
    UnitOfWork work;

    public void signOut(CurrentCaller caller, UUID id) {
        work.run(() -> {
            User user = users.locked(id);
            privileges.requireOver(caller.userId(), user, "sign this user out");
            signedOut.fire(new SignedOutByAdmin(user.id()));
            audit.record(AuditEntry.success(AuditActions.AUTH_LOGOUT_ALL)
                    .actor(caller.userId(), caller.email())
                    .target("user", user.id())
                    .detail("by", "admin"));
        });
    }
}
