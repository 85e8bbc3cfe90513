package dev.vigile.identity.credentials.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.common.problem.ProblemTypes;
import dev.vigile.common.text.Emails;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.PasswordReset;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.LoginThrottle;
import dev.vigile.security.OpaqueTokens;
import dev.vigile.security.PasswordHasher;
import dev.vigile.security.PasswordPolicy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Password reset by a mailed single-use token (OWASP Forgot Password Cheat Sheet, ASVS 5.0 V6)
 * that never bypasses MFA, but for an address the account never proved ({@link AddressProof}).
 */
@ApplicationScoped
public class PasswordRecovery {
    private static final Logger LOG = Logger.getLogger(PasswordRecovery.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    UserRepository users;

    @Inject
    EmailTokens tokens;

    @Inject
    SecondFactors factors;

    @Inject
    MfaRemoval removal;

    @Inject
    AddressProof proof;

    @Inject
    PasswordHasher hasher;

    @Inject
    LoginThrottle throttle;

    @Inject
    AccountMail mail;

    @Inject
    CredentialSettings settings;

    @Inject
    Event<PasswordReset> reset;

    @Inject
    AuditLog audit;

    @Inject
    VigileMetrics metrics;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    @Resource
    ManagedExecutorService executor;

    /** A live reset token's user, read without using it. */
    record Pending(UUID userId, String email, boolean mfa) {}

    /**
     * {@code POST /api/auth/password-reset}: throttled per email and per address whatever the
     * account; the lookup, the token and the mail happen after the answer, so that an existing
     * account and an unknown email take the same time to answer.
     */
    public void request(String rawEmail, ClientInfo client) {
        String email = Emails.forLookup("email", rawEmail);
        long wait = throttle.resetRequest(email, client.ip());
        if (wait > 0) {
            metrics.throttled();
            throw ApplicationException.tooManyRequests(wait);
        }
        executor.execute(() -> {
            try {
                work.run(() -> issue(email, client));
            } catch (RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "A password reset could not be issued: " + e.getClass().getSimpleName(),
                        e);
            }
        });
    }

    private void issue(String email, ClientInfo client) {
        User user = users.findByEmail(email).orElse(null);
        if (user == null) {
            audit.record(AuditEntry.failure(AuditActions.AUTH_PASSWORD_RESET_REQUESTED)
                    .actor(null, email)
                    .detail("reason", "unknown email"));
            return;
        }
        // Read again under the row's lock: a disable committing meanwhile is seen here, or waits
        // for this link and voids it (CutOffs).
        users.lockRow(user.id());
        em.refresh(user);
        if (!user.enabled()) {
            audit.record(AuditEntry.failure(AuditActions.AUTH_PASSWORD_RESET_REQUESTED)
                    .actor(user.id(), user.email())
                    .target("user", user.id())
                    .detail("reason", "disabled"));
            return;
        }
        String token = tokens.issue(user.id(), EmailTokens.RESET, user.email(), settings.resetTtl());
        mail.passwordReset(user, token, settings.resetTtl(), client.acceptLanguage());
        audit.record(AuditEntry.success(AuditActions.AUTH_PASSWORD_RESET_REQUESTED)
                .actor(user.id(), user.email())
                .target("user", user.id())
                .detail("enabled", user.enabled()));
    }

    /** {@code POST /api/auth/password-reset/confirm}. */
    public void confirm(String token, String newPassword, String mfaCode, ClientInfo client) {
        Pending pending = pending(token).orElseThrow(CredentialProblems::invalidToken);
        List<Problem.FieldError> errors = new ArrayList<>();
        PasswordPolicy.check("newPassword", newPassword, pending.email()).ifPresent(errors::add);
        if (!errors.isEmpty()) {
            throw ApplicationException.invalid(errors);
        }
        if (pending.mfa()) {
            if (mfaCode == null || mfaCode.isBlank()) {
                throw new ApplicationException(
                        400,
                        ProblemTypes.INVALID_MFA_CODE,
                        "Second factor required",
                        "This account uses two-step verification: give a code from the app or a recovery code as mfaCode.",
                        List.of(new Problem.FieldError("mfaCode", "is required for this account")),
                        null);
            }
            factors.waitForAttempt(pending.userId());
        }
        String hash = hasher.hash(newPassword);
        if (!work.call(() -> use(token, hash, mfaCode, client))) {
            audit.recordAlone(AuditEntry.failure(AuditActions.AUTH_PASSWORD_RESET)
                    .actor(pending.userId(), pending.email())
                    .target("user", pending.userId())
                    .detail("reason", "wrong second factor"));
            throw new ApplicationException(
                    400,
                    ProblemTypes.INVALID_MFA_CODE,
                    "Invalid second factor",
                    "The code is wrong or was already used.",
                    List.of(new Problem.FieldError("mfaCode", "is not a valid code")),
                    null);
        }
        if (pending.mfa()) {
            factors.succeeded(pending.userId());
        }
    }

    private Optional<Pending> pending(String token) {
        if (!OpaqueTokens.plausible(token)) {
            return Optional.empty();
        }
        // Only a token sent to the address the account has now.
        return tokens.peek(token, EmailTokens.RESET)
                .flatMap(p -> users.findById(p.userId()).filter(u -> u.email().equals(p.email())))
                .map(u -> new Pending(u.id(), u.email(), u.mfaEnabled() && !proof.unproven(u)));
    }

    /**
     * Uses the token and sets the password; a wrong second factor counts against the token and
     * commits that count.
     *
     * @return false when the second factor was wrong
     */
    private boolean use(String token, String newHash, String mfaCode, ClientInfo client) {
        // The token's user row is locked with it (EmailTokens#lockLive).
        EmailTokens.Live live = tokens.lockLive(token, EmailTokens.RESET).orElseThrow(CredentialProblems::invalidToken);
        User user = users.findById(live.userId()).orElseThrow(CredentialProblems::invalidToken);
        if (!user.email().equals(live.email()) || !user.enabled()) {
            // Sent to an address the account no longer has, or to a disabled account.
            throw CredentialProblems.invalidToken();
        }
        boolean unproven = proof.unproven(user);
        if (user.mfaEnabled() && !unproven) {
            boolean recovery = mfaCode != null && !mfaCode.strip().matches("[0-9 ]+");
            Optional<String> method =
                    factors.useFactor(user.id(), recovery ? null : mfaCode, recovery ? mfaCode : null);
            if (method.isEmpty()) {
                tokens.failed(live);
                return false;
            }
        }
        Instant now = clock.instant();
        if (!user.emailVerified()) {
            // The mail came back from this address: it is the user's. Factors set on an account
            // that left the address unverified past the verification window are not (a squatter's).
            if (unproven) {
                removal.dropUnproven(user, client.acceptLanguage());
            }
            user.markEmailVerified(now);
            em.flush();
        }
        users.resetPassword(user.id(), newHash, now);
        tokens.use(live);
        tokens.voidAll(user.id(), EmailTokens.RESET);
        reset.fire(new PasswordReset(user.id()));
        mail.notice(user, "password-changed", client.acceptLanguage(), Map.of());
        audit.record(AuditEntry.success(AuditActions.AUTH_PASSWORD_RESET)
                .actor(user.id(), user.email())
                .target("user", user.id()));
        return true;
    }
}
