package dev.vigile.identity.accounts.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.Permissions;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.common.text.Emails;
import dev.vigile.common.web.TextRules;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.AccountCreated;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import dev.vigile.security.PasswordHasher;
import dev.vigile.security.PasswordPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /api/users}: an administrator creates an account; 409 when the email is taken, 403
 * when a role grants more than the caller holds. The new user proves the address as a
 * registration would.
 */
@ApplicationScoped
public class UserCreation {
    @Inject
    UserRepository users;

    @Inject
    RoleRepository roles;

    @Inject
    Privileges privileges;

    @Inject
    PasswordHasher hasher;

    @Inject
    Event<AccountCreated> created;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    /** A new account as an administrator asks for it. */
    public record NewUser(String email, String password, String displayName, List<String> roles, Boolean enabled) {}

    public User create(CurrentCaller caller, NewUser request) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String email;
        try {
            email = Emails.normalize("email", request.email());
        } catch (ApplicationException e) {
            errors.addAll(e.errors());
            email = request.email().strip();
        }
        PasswordPolicy.check("password", request.password(), email).ifPresent(errors::add);
        String displayName = TextRules.check("displayName", request.displayName(), Accounts.DISPLAY_NAME_MAX, errors);
        if (!errors.isEmpty()) {
            throw ApplicationException.invalid(errors);
        }
        // The grant is checked before the hash is computed (a refused request costs no hash), and
        // again under the roles' locks.
        work.run(() -> requireGrant(caller, request.roles()));
        String hash = hasher.hash(request.password());
        String normalized = email;
        return work.call(() -> insert(caller, normalized, displayName, hash, request));
    }

    private void requireGrant(CurrentCaller caller, List<String> requested) {
        Set<Role> extra = privileges.extraRoles(requested);
        if (!extra.isEmpty()) {
            Set<String> held = privileges.permissionsOf(caller.userId());
            Privileges.requireAll(held, List.of(Permissions.ROLES_ASSIGN), "assign roles");
            Privileges.requireAll(held, Privileges.permissionsOf(extra), "grant these roles");
        }
    }

    private User insert(CurrentCaller caller, String email, String displayName, String hash, NewUser request) {
        if (request.roles() != null) {
            roles.lockForAssignment(request.roles());
        }
        requireGrant(caller, request.roles());
        Set<Role> extra = privileges.extraRoles(request.roles());
        UUID id = UUID.randomUUID();
        if (!users.insertIfAbsent(id, email, displayName, hash, clock.instant())) {
            throw ApplicationException.conflict("An account with this email already exists.");
        }
        users.addRole(id, Role.USER);
        extra.forEach(r -> users.addRole(id, r.name()));
        boolean enabled = request.enabled() == null || request.enabled();
        User user = users.locked(id);
        if (!enabled) {
            user.setEnabled(false, clock.instant());
        }
        created.fire(new AccountCreated(id, null));
        audit.record(AuditEntry.success(AuditActions.USER_CREATED)
                .actor(caller.userId(), caller.email())
                .target("user", id)
                .detail("email", email)
                .detail("roles", user.roleNames())
                .detail("enabled", enabled));
        return user;
    }
}
