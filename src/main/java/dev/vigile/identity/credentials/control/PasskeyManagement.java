package dev.vigile.identity.credentials.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.control.Accounts;
import dev.vigile.identity.accounts.control.Privileges;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.PasskeyChanged;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Listing, renaming and removing passkeys: by their user, or by an administrator (reading with
 * {@code users:read}; removing with {@code users:write}, over a user holding no permission the
 * caller lacks). A removal is audited, notified and mailed, and ends the sessions the passkey started.
 */
@ApplicationScoped
public class PasskeyManagement {
    @Inject
    Accounts accounts;

    @Inject
    UserRepository users;

    @Inject
    Passkeys passkeys;

    @Inject
    Privileges privileges;

    @Inject
    Event<PasskeyChanged> changed;

    @Inject
    AccountMail mail;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    /** The user's passkeys; 404 when there is no such user. */
    public List<Passkeys.Passkey> of(UUID userId) {
        accounts.get(userId);
        return passkeys.of(userId);
    }

    /** {@code PATCH /api/users/me/passkeys/{id}}: 404 unless it is one of the caller's. */
    public Passkeys.Passkey rename(CurrentCaller caller, UUID id, String rawName) {
        String name = PasskeyRegistration.name(rawName, true);
        return work.call(() -> {
            User user = users.locked(caller.userId());
            if (!passkeys.rename(user.id(), id, name)) {
                throw ApplicationException.notFound("No such passkey.");
            }
            audit.record(AuditEntry.success(AuditActions.USER_PASSKEY_RENAMED)
                    .actor(user.id(), user.email())
                    .target("user", user.id())
                    .detail("passkey", id));
            return passkeys.of(user.id()).stream()
                    .filter(p -> p.id().equals(id))
                    .findFirst()
                    .orElseThrow();
        });
    }

    /** {@code DELETE /api/users/me/passkeys/{id}}: 404 unless it is one of the caller's. */
    public void remove(CurrentCaller caller, UUID id, String acceptLanguage) {
        work.run(() -> {
            User user = users.locked(caller.userId());
            remove(user, id, false, caller.sessionId(), acceptLanguage);
            audit.record(AuditEntry.success(AuditActions.USER_PASSKEY_REMOVED)
                    .actor(user.id(), user.email())
                    .target("user", user.id())
                    .detail("passkey", id));
        });
    }

    /** {@code DELETE /api/admin/users/{id}/passkeys/{pid}}: only over a user holding no permission the caller lacks. */
    public void removeAsAdmin(CurrentCaller caller, UUID userId, UUID id) {
        work.run(() -> {
            User user = users.locked(userId);
            privileges.requireOver(caller.userId(), user, "remove this user's passkeys");
            remove(user, id, true, null, null);
            audit.record(AuditEntry.success(AuditActions.USER_PASSKEY_REMOVED)
                    .actor(caller.userId(), caller.email())
                    .target("user", userId)
                    .detail("passkey", id)
                    .detail("by", "admin"));
        });
    }

    private void remove(User user, UUID id, boolean byAdmin, UUID sessionId, String acceptLanguage) {
        String name =
                passkeys.remove(user.id(), id).orElseThrow(() -> ApplicationException.notFound("No such passkey."));
        Instant now = clock.instant();
        user.setPasskeyCount(passkeys.count(user.id()), now);
        changed.fire(new PasskeyChanged(user.id(), "removed", id, name, byAdmin, sessionId));
        mail.notice(user, "passkey-removed", acceptLanguage, Map.of("name", name));
    }
}
