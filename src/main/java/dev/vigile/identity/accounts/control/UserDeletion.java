package dev.vigile.identity.accounts.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.UserDeleted;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.UUID;

/** {@code DELETE /api/users/{id}}: never the caller, never the last enabled admin, never a user holding more. */
@ApplicationScoped
public class UserDeletion {
    @Inject
    UserRepository users;

    @Inject
    Privileges privileges;

    @Inject
    Event<UserDeleted> deleted;

    @Inject
    AuditLog audit;

    @Inject
    UnitOfWork work;

    public void delete(CurrentCaller caller, UUID id) {
        if (id.equals(caller.userId())) {
            throw ApplicationException.forbidden("You cannot delete your own account here.");
        }
        work.run(() -> {
            User user = users.locked(id);
            privileges.requireOver(caller.userId(), user, "delete this user");
            if (user.roleNames().contains(Role.ADMIN) && user.enabled()) {
                privileges.refuseIfLastAdmin(user.id(), "deleted");
            }
            String email = user.email();
            Set<String> roleNames = user.roleNames();
            users.delete(user.id());
            deleted.fire(new UserDeleted(user.id()));
            audit.record(AuditEntry.success(AuditActions.USER_DELETED)
                    .actor(caller.userId(), caller.email())
                    .target("user", id)
                    .detail("email", email)
                    .detail("roles", roleNames));
        });
    }
}
