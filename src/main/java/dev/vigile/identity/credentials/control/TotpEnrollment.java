package dev.vigile.identity.credentials.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.control.Accounts;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.MfaChanged;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Turning TOTP on: a pending secret after the password is given again, then a first code that
 * confirms it and gives ten single-use recovery codes, shown once. The change is audited,
 * notified and mailed.
 */
@ApplicationScoped
public class TotpEnrollment {
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
    Totp totp;

    @Inject
    Event<MfaChanged> changed;

    @Inject
    AccountMail mail;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    /** What an enrollment shows once: the secret, its URI and the URI's QR code. */
    public record Enrollment(String secret, String otpauthUri, String qrCodeSvg) {}

    /**
     * {@code POST /api/users/me/mfa/totp}: a new pending secret; nothing enforced until confirmed.
     *
     * @param enrollOnly the caller's token may only enroll (its role requires MFA, its session has none)
     */
    public Enrollment start(CurrentCaller caller, boolean enrollOnly, String currentPassword, ClientInfo client) {
        User user = accounts.get(caller.userId());
        reauthentication.require(user, currentPassword, client, AuditActions.USER_MFA_ENABLED);
        String secret = totp.newSecret();
        long checkedEpoch = user.credentialEpoch();
        work.run(() -> {
            // Only if no credential event happened since the password was checked.
            if (!users.lockCredential(user.id(), checkedEpoch)) {
                throw CredentialProblems.credentialsChanged();
            }
            User current = accounts.get(user.id());
            CredentialProblems.refuseEnrollmentOverAPasskey(enrollOnly, current);
            if (current.mfaEnabled()) {
                throw ApplicationException.conflict(
                        "Two-step verification is already on; turn it off first to enroll again.");
            }
            factors.begin(user.id(), secret);
        });
        String uri = totp.uri(user.email(), secret);
        return new Enrollment(secret, uri, Totp.qrSvg(uri));
    }

    /** {@code POST /api/users/me/mfa/totp/confirm}: turns TOTP on; the recovery codes, shown once. */
    public List<String> confirm(CurrentCaller caller, String code, ClientInfo client) {
        secondFactors.waitForAttempt(caller.userId());
        List<String> codes = SecondFactors.newRecoveryCodes();
        if (!work.call(() -> confirmed(caller, code, codes, client))) {
            throw secondFactors.wrongCode(caller.userId(), caller.email(), AuditActions.USER_MFA_ENABLED);
        }
        secondFactors.succeeded(caller.userId());
        return codes;
    }

    private boolean confirmed(CurrentCaller caller, String code, List<String> recoveryCodes, ClientInfo client) {
        User user = users.locked(caller.userId());
        var factor = factors.factor(user.id());
        if (user.mfaEnabled()) {
            throw ApplicationException.conflict("Two-step verification is already on.");
        }
        if (factor.isEmpty()) {
            throw ApplicationException.conflict("No enrollment is in progress: start one first.");
        }
        if (!factors.useTotp(user.id(), factor.get(), code)) {
            return false;
        }
        Instant now = clock.instant();
        factors.confirm(user.id(), now);
        factors.storeRecoveryCodes(user.id(), recoveryCodes);
        user.setMfaEnabled(true, now);
        // This session just proved the factor: its tokens carry it from the next refresh on.
        changed.fire(new MfaChanged(user.id(), "enabled", caller.sessionId()));
        mail.notice(user, "mfa-enabled", client.acceptLanguage(), Map.of());
        audit.record(AuditEntry.success(AuditActions.USER_MFA_ENABLED)
                .actor(user.id(), user.email())
                .target("user", user.id()));
        return true;
    }
}
