package dev.vigile.identity.credentials.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.control.Accounts;
import dev.vigile.identity.accounts.control.Privileges;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.MfaChanged;
import dev.vigile.identity.events.SecondFactorRemoved;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * Turning the second factor off: by its user (password and a current code), by an administrator
 * (over a user holding no permission the caller lacks), or by a password reset that proved an
 * address the account never verified. Audited, notified and mailed.
 */
@ApplicationScoped
public class MfaRemoval {
    @Inject
    Accounts accounts;

    @Inject
    UserRepository users;

    @Inject
    Reauthentication reauthentication;

    @Inject
    MfaFactors factors;

    @Inject
    SecondFactors secondFactors;

    @Inject
    Privileges privileges;

    @Inject
    Event<MfaChanged> changed;

    @Inject
    Event<SecondFactorRemoved> removed;

    @Inject
    AccountMail mail;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    /** {@code DELETE /api/users/me/mfa}: the password and a current code turn MFA off. */
    public void disable(CurrentCaller caller, String currentPassword, String code, ClientInfo client) {
        User user = accounts.get(caller.userId());
        reauthentication.require(user, currentPassword, client, AuditActions.USER_MFA_DISABLED);
        secondFactors.waitForAttempt(caller.userId());
        boolean disabled = work.call(() -> {
            User locked = users.locked(caller.userId());
            MfaFactors.Factor factor = requireEnabled(locked, factors);
            if (!factors.useTotp(locked.id(), factor, code)) {
                return false;
            }
            turnOff(locked, "disabled", client.acceptLanguage(), "by you");
            audit.record(AuditEntry.success(AuditActions.USER_MFA_DISABLED)
                    .actor(locked.id(), locked.email())
                    .target("user", locked.id()));
            return true;
        });
        if (!disabled) {
            throw secondFactors.wrongCode(caller.userId(), caller.email(), AuditActions.USER_MFA_DISABLED);
        }
        secondFactors.succeeded(caller.userId());
    }

    /** {@code DELETE /api/admin/users/{id}/mfa}: only over a user holding no permission the caller lacks. */
    public void reset(CurrentCaller caller, UUID userId) {
        work.run(() -> {
            User user = users.locked(userId);
            privileges.requireOver(caller.userId(), user, "reset this user's two-step verification");
            if (!user.mfaEnabled() && factors.factor(userId).isEmpty()) {
                throw ApplicationException.conflict("This user has no second factor.");
            }
            turnOff(user, "reset", null, "by an administrator");
            audit.record(AuditEntry.success(AuditActions.USER_MFA_DISABLED)
                    .actor(caller.userId(), caller.email())
                    .target("user", userId)
                    .detail("by", "admin"));
        });
    }

    /**
     * A password reset by mail to an address its account left unverified past the verification
     * window: whoever set the account's factors never proved that address, and the reset proves
     * it, so those factors go. A squatter who registered someone's address and turned on TOTP cannot
     * keep its owner out (docs/security.md, "An address never verified"). In the reset's unit of
     * work, the user's row locked.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void dropUnproven(User user, String acceptLanguage) {
        if (!user.mfaEnabled() && factors.factor(user.id()).isEmpty()) {
            return;
        }
        turnOff(user, "reset", acceptLanguage, "by a password reset that proved your address");
        audit.record(AuditEntry.success(AuditActions.USER_MFA_DISABLED)
                .actor(user.id(), user.email())
                .target("user", user.id())
                .detail("by", "password-reset")
                .detail("reason", "address never verified"));
    }

    /** 409 unless TOTP is on and confirmed; the factor otherwise. */
    static MfaFactors.Factor requireEnabled(User user, MfaFactors factors) {
        return factors.factor(user.id())
                .filter(f -> user.mfaEnabled() && f.confirmed())
                .orElseThrow(() -> ApplicationException.conflict("Two-step verification is not on."));
    }

    private void turnOff(User user, String change, String acceptLanguage, String by) {
        factors.removeAll(user.id());
        // Sign-ins waiting for a factor go with it (the sessions component observes this).
        removed.fire(new SecondFactorRemoved(user.id()));
        boolean wasOn = user.mfaEnabled();
        user.setMfaEnabled(false, clock.instant());
        if (wasOn) {
            changed.fire(new MfaChanged(user.id(), change));
            mail.notice(user, "mfa-disabled", acceptLanguage, Map.of("by", by));
        }
    }
}
