package dev.vigile.identity.accounts.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.identity.accounts.entity.Permission;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.events.RoleChanged;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Roles and their permissions. System roles keep their permissions ({@code USER} none of the
 * admin ones, {@code ADMIN} all) and cannot be deleted. A change of a role's permissions cuts off
 * the access tokens of everyone holding it, so their next refresh carries the new groups.
 */
@ApplicationScoped
@Transactional
public class RoleService {
    public static final int DESCRIPTION_MAX = 255;

    @Inject
    RoleRepository roles;

    @Inject
    Privileges privileges;

    @Inject
    jakarta.enterprise.event.Event<RoleChanged> roleChanged;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    /** A role with how many users hold it. */
    public record RoleView(Role role, long userCount) {}

    public List<RoleView> list() {
        Map<String, Long> counts = roles.userCounts();
        return roles.all().stream()
                .map(r -> new RoleView(r, counts.getOrDefault(r.name(), 0L)))
                .toList();
    }

    public RoleView get(String name) {
        Role role = find(name);
        return new RoleView(role, roles.userCount(role.name()));
    }

    public List<Permission> permissions() {
        return roles.permissions();
    }

    public RoleView create(CurrentCaller caller, String name, String description, List<String> permissionNames) {
        if (name == null || !RoleRepository.NAME.matcher(name).matches()) {
            throw ApplicationException.invalid("name", "must match ^[A-Z][A-Z0-9_]{1,31}$");
        }
        Set<Permission> granted = roles.existingPermissions("permissions", permissionNames);
        Privileges.requireAll(privileges.permissionsOf(caller.userId()), names(granted), "create this role");
        if (!roles.insertIfAbsent(name, description, clock.instant())) {
            throw ApplicationException.conflict("A role with this name already exists.");
        }
        Role role = find(name);
        role.grant(granted);
        audit.record(AuditEntry.success(AuditActions.ROLE_CREATED)
                .actor(caller.userId(), caller.email())
                .target("role", name)
                .detail("permissions", names(granted)));
        return new RoleView(role, 0);
    }

    public RoleView update(CurrentCaller caller, String name, String description, List<String> permissionNames) {
        lockForChange(name);
        Role role = find(name);
        Set<Permission> granted = roles.existingPermissions("permissions", permissionNames);
        SortedSet<String> before = role.permissionNames();
        SortedSet<String> after = names(granted);
        SortedSet<String> added = new TreeSet<>(after);
        added.removeAll(before);
        SortedSet<String> removed = new TreeSet<>(before);
        removed.removeAll(after);
        if (role.system() && !(added.isEmpty() && removed.isEmpty())) {
            throw ApplicationException.conflict("The permissions of a system role cannot be changed.");
        }
        SortedSet<String> changed = new TreeSet<>(added);
        changed.addAll(removed);
        Privileges.requireAll(privileges.permissionsOf(caller.userId()), changed, "change this role");
        boolean described = !java.util.Objects.equals(description, role.description());
        role.describe(description);
        if (!changed.isEmpty()) {
            role.grant(granted);
            roleChanged.fire(new RoleChanged(name));
        }
        if (described || !changed.isEmpty()) {
            audit.record(AuditEntry.success(AuditActions.ROLE_UPDATED)
                    .actor(caller.userId(), caller.email())
                    .target("role", name)
                    .detail("added", added)
                    .detail("removed", removed)
                    .detail("descriptionChanged", described));
        }
        return new RoleView(role, roles.userCount(name));
    }

    public void delete(CurrentCaller caller, String name) {
        lockForChange(name);
        Role role = find(name);
        if (role.system()) {
            throw ApplicationException.conflict("System roles cannot be deleted.");
        }
        SortedSet<String> permissions = role.permissionNames();
        Privileges.requireAll(privileges.permissionsOf(caller.userId()), permissions, "delete this role");
        long holders = roles.userCount(name);
        roleChanged.fire(new RoleChanged(name));
        roles.delete(name);
        audit.record(AuditEntry.success(AuditActions.ROLE_DELETED)
                .actor(caller.userId(), caller.email())
                .target("role", name)
                .detail("permissions", permissions)
                .detail("users", holders));
    }

    /** Serialises with assignments of the role, so that the cut-off reaches every holder. */
    private void lockForChange(String name) {
        if (name != null && RoleRepository.NAME.matcher(name).matches()) {
            roles.lockForChange(name);
        }
    }

    private Role find(String name) {
        if (name == null || !RoleRepository.NAME.matcher(name).matches()) {
            throw ApplicationException.notFound("No such role.");
        }
        return roles.find(name).orElseThrow(() -> ApplicationException.notFound("No such role."));
    }

    private static SortedSet<String> names(Set<Permission> permissions) {
        SortedSet<String> names = new TreeSet<>();
        permissions.forEach(p -> names.add(p.name()));
        return names;
    }
}
