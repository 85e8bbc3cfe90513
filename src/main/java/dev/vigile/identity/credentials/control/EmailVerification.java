package dev.vigile.identity.credentials.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.AccountCreated;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import dev.vigile.security.LoginThrottle;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Proving an address: a link mailed when the account is created and on request, used once at
 * {@code POST /api/auth/verify-email}, which also takes the links of email changes ({@link
 * EmailChange}).
 */
@ApplicationScoped
public class EmailVerification {
    @Inject
    UserRepository users;

    @Inject
    EmailTokens tokens;

    @Inject
    EmailChange emailChange;

    @Inject
    AccountMail mail;

    @Inject
    CredentialSettings settings;

    @Inject
    LoginThrottle throttle;

    @Inject
    AuditLog audit;

    @Inject
    VigileMetrics metrics;

    @Inject
    java.time.Clock clock;

    @Inject
    UnitOfWork work;

    /** {@code POST /api/auth/verify-email}: a verification link, or an email change's. */
    public void verify(String token) {
        work.run(() -> {
            EmailTokens.Live live = tokens.lockLive(token, EmailTokens.VERIFY, EmailTokens.EMAIL_CHANGE)
                    .orElseThrow(CredentialProblems::invalidToken);
            User user = users.findById(live.userId()).orElseThrow(CredentialProblems::invalidToken);
            if (live.purpose().equals(EmailTokens.EMAIL_CHANGE)) {
                emailChange.complete(live, user);
                return;
            }
            if (!user.email().equals(live.email())) {
                throw CredentialProblems.invalidToken();
            }
            tokens.use(live);
            if (!user.emailVerified()) {
                user.markEmailVerified(clock.instant());
                audit.record(AuditEntry.success(AuditActions.USER_EMAIL_VERIFIED)
                        .actor(user.id(), user.email())
                        .target("user", user.id()));
            }
        });
    }

    /** {@code POST /api/users/me/verify-email}: a new verification mail, throttled per user. */
    public void resend(CurrentCaller caller, ClientInfo client) {
        long wait = throttle.verificationMail(caller.userId());
        if (wait > 0) {
            metrics.throttled();
            throw ApplicationException.tooManyRequests(wait);
        }
        work.run(() -> {
            User user = users.locked(caller.userId());
            if (user.emailVerified()) {
                throw ApplicationException.conflict("This address is already verified.");
            }
            send(user, client.acceptLanguage());
        });
    }

    /** A new account proves its address, as it is created (in its unit of work). */
    void onCreated(@Observes @Priority(100) AccountCreated created) {
        send(users.findById(created.userId()).orElseThrow(), created.acceptLanguage());
    }

    private void send(User user, String acceptLanguage) {
        String token = tokens.issue(user.id(), EmailTokens.VERIFY, user.email(), settings.verifyTtl());
        mail.verification(user, token, settings.verifyTtl(), acceptLanguage);
    }
}
