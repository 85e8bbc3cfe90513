package dev.vigile.identity.sessions.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.common.text.Emails;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.common.web.TextRules;
import dev.vigile.identity.accounts.control.Accounts;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.AccountCreated;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.LoginThrottle;
import dev.vigile.security.PasswordHasher;
import dev.vigile.security.PasswordPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/auth/register}: a new account with the role USER, a verification mail, and
 * (unless verified addresses are required) its first session, whose client becomes the
 * account's first device. The password is hashed before the unit of work.
 */
@ApplicationScoped
public class Registration {
    @Inject
    UserRepository users;

    @Inject
    Sessions sessions;

    @Inject
    AccessTokens tokens;

    @Inject
    DeviceTokens devices;

    @Inject
    PasswordHasher hasher;

    @Inject
    LoginThrottle throttle;

    @Inject
    SessionSettings settings;

    @Inject
    Event<AccountCreated> created;

    @Inject
    AuditLog audit;

    @Inject
    VigileMetrics metrics;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    /** @param csrfToken a browser's new CSRF token, bound to the session it starts; null for an API client */
    public SignIn register(String rawEmail, String password, String displayName, ClientInfo client, String csrfToken) {
        String email = Emails.normalize("email", rawEmail);
        List<Problem.FieldError> errors = new ArrayList<>();
        PasswordPolicy.check("password", password, email).ifPresent(errors::add);
        // The same rule as every other place a display name is set.
        String name = TextRules.check("displayName", displayName, Accounts.DISPLAY_NAME_MAX, errors);
        if (!errors.isEmpty()) {
            throw ApplicationException.invalid(errors);
        }
        // An address that hit taken emails too often waits, whatever it registers now.
        long wait = throttle.registrationWait(client.ip());
        if (wait > 0) {
            metrics.throttled();
            throw ApplicationException.tooManyRequests(wait);
        }
        String hash = hasher.hash(password);
        boolean signIn = !settings.requireVerifiedEmail();
        try {
            return work.call(() -> create(email, hash, name, client, signIn, csrfToken));
        } catch (ApplicationException e) {
            if (e.status() == 409) {
                throttle.registrationConflict(client.ip());
            }
            throw e;
        }
    }

    private SignIn create(
            String email, String hash, String displayName, ClientInfo client, boolean signIn, String csrfToken) {
        UUID id = UUID.randomUUID();
        if (!users.insertIfAbsent(id, email, displayName, hash, clock.instant())) {
            throw ApplicationException.conflict("An account with this email already exists.");
        }
        users.addRole(id, Role.USER);
        User user = users.findById(id).orElseThrow();
        created.fire(new AccountCreated(id, client.acceptLanguage()));
        if (!signIn) {
            audit.record(AuditEntry.success(AuditActions.AUTH_REGISTER)
                    .actor(id, email)
                    .target("user", id)
                    .detail("verificationRequired", true));
            return new SignIn.VerificationRequired(user);
        }
        Sessions.Started started = sessions.start(id, client, false, csrfToken);
        audit.record(AuditEntry.success(AuditActions.AUTH_REGISTER)
                .actor(id, email)
                .target("user", id)
                .detail("session", started.session().id()));
        // A registration is a first successful sign-in: this client is the account's first device.
        return tokens.issue(user, started.session(), started.refreshToken(), started.refreshExpiresIn())
                .withDevice(devices.afterLogin(id, null));
    }
}
