package dev.vigile.identity.credentials.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.text.Emails;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.control.Accounts;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.EmailChanged;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import dev.vigile.security.LoginThrottle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Map;

/**
 * A change of address that takes effect only once the new address proved it reads its mail: the
 * password given again, a link to the new address and a notice to the old; a taken address is
 * refused only when the link is used, so the request tells nothing about it.
 */
@ApplicationScoped
public class EmailChange {
    @PersistenceContext
    EntityManager em;

    @Inject
    Accounts accounts;

    @Inject
    UserRepository users;

    @Inject
    Reauthentication reauthentication;

    @Inject
    EmailTokens tokens;

    @Inject
    AccountMail mail;

    @Inject
    CredentialSettings settings;

    @Inject
    LoginThrottle throttle;

    @Inject
    Event<EmailChanged> changed;

    @Inject
    AuditLog audit;

    @Inject
    VigileMetrics metrics;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    /** {@code PUT /api/users/me/email}: mails a link to the new address and a notice to the old. */
    public void request(CurrentCaller caller, String rawEmail, String currentPassword, ClientInfo client) {
        String newEmail = Emails.normalize("newEmail", rawEmail);
        User user = accounts.get(caller.userId());
        reauthentication.require(user, currentPassword, client, AuditActions.USER_EMAIL_CHANGE_REQUESTED);
        if (newEmail.equals(user.email())) {
            throw ApplicationException.invalid("newEmail", "is already the account's address");
        }
        long mails = throttle.verificationMail(caller.userId());
        if (mails > 0) {
            metrics.throttled();
            throw ApplicationException.tooManyRequests(mails);
        }
        long checkedEpoch = user.credentialEpoch();
        work.run(() -> {
            // Only if no credential event happened since the password was checked: one that commits
            // meanwhile would otherwise not void this link.
            if (!users.lockCredential(caller.userId(), checkedEpoch)) {
                throw CredentialProblems.credentialsChanged();
            }
            User current = accounts.get(caller.userId());
            String token = tokens.issue(current.id(), EmailTokens.EMAIL_CHANGE, newEmail, settings.verifyTtl());
            mail.emailChange(current, newEmail, token, settings.verifyTtl(), client.acceptLanguage());
            audit.record(AuditEntry.success(AuditActions.USER_EMAIL_CHANGE_REQUESTED)
                    .actor(current.id(), current.email())
                    .target("user", current.id())
                    .detail("to", newEmail));
        });
    }

    /** The new address's link was used: the change takes effect, in the verifying unit of work. */
    @Transactional(Transactional.TxType.MANDATORY)
    void complete(EmailTokens.Live live, User user) {
        String oldEmail = user.email();
        // The notice to the old address is queued first: if the new one turns out taken, the whole
        // unit of work, notice included, rolls back.
        mail.notice(user, "email-changed", null, Map.of("newEmail", live.email()));
        tokens.use(live);
        tokens.voidAll(user.id(), EmailTokens.VERIFY, EmailTokens.EMAIL_CHANGE, EmailTokens.RESET);
        user.changeEmail(live.email(), clock.instant());
        try {
            em.flush();
        } catch (PersistenceException e) {
            if (uniqueViolation(e)) {
                throw ApplicationException.conflict("An account with this email already exists.");
            }
            throw e;
        }
        changed.fire(new EmailChanged(user.id(), live.email()));
        audit.record(AuditEntry.success(AuditActions.USER_EMAIL_CHANGED)
                .actor(user.id(), live.email())
                .target("user", user.id())
                .detail("from", oldEmail));
    }

    /** Whether the failure is PostgreSQL's unique violation (SQLSTATE 23505), the email taken. */
    private static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
