package dev.vigile.identity.credentials.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.MfaChanged;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/** {@code POST /api/users/me/mfa/recovery-codes}: a current code gives a fresh set; the old one is void. */
@ApplicationScoped
public class RecoveryCodeRenewal {
    @Inject
    UserRepository users;

    @Inject
    MfaFactors factors;

    @Inject
    SecondFactors secondFactors;

    @Inject
    Event<MfaChanged> changed;

    @Inject
    AccountMail mail;

    @Inject
    AuditLog audit;

    @Inject
    UnitOfWork work;

    public List<String> renew(CurrentCaller caller, String code, ClientInfo client) {
        secondFactors.waitForAttempt(caller.userId());
        List<String> codes = SecondFactors.newRecoveryCodes();
        boolean renewed = work.call(() -> {
            User user = users.locked(caller.userId());
            MfaFactors.Factor factor = MfaRemoval.requireEnabled(user, factors);
            if (!factors.useTotp(user.id(), factor, code)) {
                return false;
            }
            factors.storeRecoveryCodes(user.id(), codes);
            changed.fire(new MfaChanged(user.id(), "recovery_codes"));
            mail.notice(user, "mfa-recovery-codes", client.acceptLanguage(), Map.of());
            audit.record(AuditEntry.success(AuditActions.USER_MFA_RECOVERY_CODES)
                    .actor(user.id(), user.email())
                    .target("user", user.id()));
            return true;
        });
        if (!renewed) {
            throw secondFactors.wrongCode(caller.userId(), caller.email(), AuditActions.USER_MFA_RECOVERY_CODES);
        }
        secondFactors.succeeded(caller.userId());
        return codes;
    }
}
