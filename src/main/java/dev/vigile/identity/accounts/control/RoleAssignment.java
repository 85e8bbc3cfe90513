package dev.vigile.identity.accounts.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.RolesChanged;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * {@code PUT /api/admin/users/{id}/roles}: {@code USER} is always kept; never one's own roles,
 * never a grant or a removal of permissions the caller lacks, never the last enabled admin.
 */
@ApplicationScoped
public class RoleAssignment {
    @Inject
    UserRepository users;

    @Inject
    RoleRepository roles;

    @Inject
    Privileges privileges;

    @Inject
    Event<RolesChanged> changedRoles;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    public User assign(CurrentCaller caller, UUID id, List<String> requested) {
        if (id.equals(caller.userId())) {
            throw ApplicationException.forbidden("You cannot change your own roles.");
        }
        return work.call(() -> {
            Set<String> names = new TreeSet<>(requested);
            names.add(Role.USER);
            roles.lockForAssignment(names);
            Set<Role> wanted = roles.existing("roles", names);
            User user = users.locked(id);
            // Over the target first: a lesser caller neither demotes nor, by a change that keeps the
            // target's roles, cuts off a user who holds more than it does.
            privileges.requireOver(caller.userId(), user, "change this user's roles");
            Set<String> before = user.roleNames();
            Set<String> added = new TreeSet<>(names);
            added.removeAll(before);
            Set<String> removed = new TreeSet<>(before);
            removed.removeAll(names);
            if (added.isEmpty() && removed.isEmpty()) {
                return user;
            }
            Set<Role> changed = new HashSet<>(wanted);
            changed.addAll(user.roles());
            changed.removeIf(r -> !added.contains(r.name()) && !removed.contains(r.name()));
            Privileges.requireAll(
                    privileges.permissionsOf(caller.userId()), Privileges.permissionsOf(changed), "change these roles");
            if (removed.contains(Role.ADMIN) && user.enabled()) {
                privileges.refuseIfLastAdmin(user.id(), "demoted");
            }
            user.assignRoles(wanted, clock.instant());
            changedRoles.fire(new RolesChanged(user.id(), Set.copyOf(names), Set.copyOf(added), Set.copyOf(removed)));
            audit.record(AuditEntry.success(AuditActions.USER_ROLES_CHANGED)
                    .actor(caller.userId(), caller.email())
                    .target("user", user.id())
                    .detail("added", added)
                    .detail("removed", removed)
                    .detail("roles", names));
            return user;
        });
    }
}
