package dev.vigile.identity.accounts.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.PatchBody;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.UserDisabled;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code PATCH /api/users/{id}}: display name and enabled, over a user holding no permission the
 * caller lacks; disabling ends every session of the user, and never leaves no enabled admin.
 */
@ApplicationScoped
public class UserUpdate {
    @Inject
    UserRepository users;

    @Inject
    Privileges privileges;

    @Inject
    Event<UserDisabled> disabled;

    @Inject
    Event<dev.vigile.identity.events.UserEnabled> enabledAgain;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    public User update(CurrentCaller caller, UUID id, PatchBody patch) {
        String name = patch.text("displayName", Accounts.DISPLAY_NAME_MAX).orElse(null);
        boolean enabled = patch.has("enabled") && patch.bool("enabled");
        patch.validate();
        return work.call(() -> {
            User user = users.locked(id);
            privileges.requireOver(caller.userId(), user, "change this user");
            List<String> changed = new ArrayList<>();
            boolean disabling = patch.has("enabled") && !enabled && user.enabled();
            if (patch.has("enabled") && enabled != user.enabled()) {
                if (user.id().equals(caller.userId())) {
                    throw ApplicationException.forbidden("You cannot disable your own account.");
                }
                changed.add("enabled");
            }
            if (patch.has("displayName") && !Objects.equals(name, user.displayName())) {
                changed.add("displayName");
            }
            if (changed.isEmpty()) {
                return user;
            }
            if (disabling && user.roleNames().contains(Role.ADMIN)) {
                privileges.refuseIfLastAdmin(user.id(), "disabled");
            }
            if (changed.contains("displayName")) {
                user.rename(name, clock.instant());
            }
            if (changed.contains("enabled")) {
                user.setEnabled(enabled, clock.instant());
            }
            if (disabling) {
                disabled.fire(new UserDisabled(user.id()));
            } else if (changed.contains("enabled")) {
                enabledAgain.fire(new dev.vigile.identity.events.UserEnabled(user.id()));
            }
            audit.record(AuditEntry.success(AuditActions.USER_UPDATED)
                    .actor(caller.userId(), caller.email())
                    .target("user", user.id())
                    .detail("fields", changed)
                    .detail("enabled", user.enabled()));
            return user;
        });
    }
}
