package dev.vigile.identity.sessions.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.ProblemTypes;
import dev.vigile.common.text.Emails;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.LoginThrottle;
import dev.vigile.security.PasswordHasher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.UUID;

/**
 * {@code POST /api/auth/login}: a sign-in with email and password. Throttled per email, device
 * and address; the password is checked (Argon2id) outside the unit of work, which then starts the
 * session, or issues the MFA challenge, only if the credential checked is still in force.
 */
@ApplicationScoped
public class PasswordSignIn {
    @Inject
    UserRepository users;

    @Inject
    PasswordHasher hasher;

    @Inject
    LoginThrottle throttle;

    @Inject
    DeviceTokens devices;

    @Inject
    Sessions sessions;

    @Inject
    MfaChallenges challenges;

    @Inject
    AccessTokens tokens;

    @Inject
    SignInNotices notices;

    @Inject
    SessionSettings settings;

    @Inject
    AuditLog audit;

    @Inject
    VigileMetrics metrics;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    /**
     * @param deviceToken a device token an earlier sign-in handed out, or null: when it is a live
     *     one of this account, failures count for the device instead of the account
     * @param csrfToken a browser's new CSRF token, bound to the session it starts; null for an API client
     */
    public SignIn signIn(String rawEmail, String password, String deviceToken, ClientInfo client, String csrfToken) {
        // What cannot be an email is refused before it is throttled or audited: 400, not 401.
        String email = Emails.forLookup("email", rawEmail);
        // First unit of work: the device, the throttle's attempt and the user, before the hash.
        Attempt attempt = work.call(() -> attempt(email, deviceToken, client));
        if (attempt.waitSeconds() > 0) {
            metrics.throttled();
            throw ApplicationException.tooManyRequests(attempt.waitSeconds());
        }
        DeviceTokens.Device device = attempt.device();
        UUID deviceId = device == null ? null : device.id();
        User user = attempt.user();
        // Unknown email: check against a dummy hash, so both failures take the same time.
        PasswordHasher.Verification v = hasher.verify(password, user == null ? null : user.passwordHash());
        Next next = next(
                user != null,
                v.matches(),
                user != null && user.enabled(),
                settings.requireVerifiedEmail(),
                user != null && user.emailVerified(),
                user != null && user.mfaEnabled());
        if (next instanceof Refused refused) {
            failed(user == null ? null : user.id(), email, refused.reason());
            throw invalidCredentials();
        }
        if (next instanceof VerifyAddressFirst) {
            // After the password: only the account's owner learns that the address is unverified.
            failed(user.id(), email, "email not verified");
            throw emailNotVerified();
        }
        String newHash = v.needsRehash() ? hasher.hash(password) : null;
        UUID userId = user.id();
        String checkedHash = user.passwordHash();
        long checkedEpoch = user.credentialEpoch();
        boolean passkey = user.passkeyCount() > 0;
        SignIn result;
        try {
            // Second and last: the session (or the challenge), and the throttle's failures cleared.
            result = work.call(() -> {
                SignIn started = next instanceof SecondFactor
                        ? challenge(userId, checkedHash, checkedEpoch, newHash, deviceId, passkey)
                        : start(userId, checkedHash, checkedEpoch, newHash, device, client, csrfToken);
                throttle.signedIn(email, deviceId, client.ip());
                return started;
            });
        } catch (ApplicationException e) {
            if (e.status() == 401) {
                // The password matched, but a password change, disable, delete or sign-out everywhere
                // committed between the check and the session: a failed sign-in like any other.
                failed(userId, email, "credentials changed");
            }
            throw e;
        }
        metrics.loginSucceeded();
        return result;
    }

    /** What the first unit of work read and took: the wait, or the device and the user (null if unknown). */
    record Attempt(long waitSeconds, DeviceTokens.Device device, User user) {}

    /**
     * Counted for the device when the client presented a live device token of this account, else
     * for the account; with the address either way. The take commits with this unit of work, before
     * the password is checked, so a failure is counted even if the request dies during the hash.
     */
    private Attempt attempt(String email, String deviceToken, ClientInfo client) {
        DeviceTokens.Device device = deviceToken == null ? null : devices.trusted(deviceToken, email);
        long wait = throttle.signInAttempt(email, device == null ? null : device.id(), client.ip());
        if (wait > 0) {
            return new Attempt(wait, null, null);
        }
        return new Attempt(0, device, users.findByEmail(email).orElse(null));
    }

    /** What a sign-in leads to once the password was checked. */
    sealed interface Next {}

    /** 401, the same for every reason (which only the audit row names). */
    record Refused(String reason) implements Next {}

    /** 403: the password was right, the address still unproven while proven ones are required. */
    record VerifyAddressFirst() implements Next {}

    /** 202: the second step. */
    record SecondFactor() implements Next {}

    /** 200: a session. */
    record Session() implements Next {}

    /** The decision, apart from the database and the hash. */
    static Next next(
            boolean found,
            boolean passwordMatches,
            boolean enabled,
            boolean requireVerifiedEmail,
            boolean verified,
            boolean mfa) {
        if (!found) {
            return new Refused("unknown email");
        }
        if (!passwordMatches) {
            return new Refused("wrong password");
        }
        if (!enabled) {
            return new Refused("disabled");
        }
        if (requireVerifiedEmail && !verified) {
            return new VerifyAddressFirst();
        }
        return mfa ? new SecondFactor() : new Session();
    }

    /** 403 after the credential was proven, while verified addresses are required and this one is not. */
    static ApplicationException emailNotVerified() {
        return new ApplicationException(
                403,
                ProblemTypes.EMAIL_NOT_VERIFIED,
                "Email not verified",
                "Confirm your email address with the link mailed to it before signing in.");
    }

    static ApplicationException invalidCredentials() {
        return ApplicationException.unauthorized(
                ProblemTypes.INVALID_CREDENTIALS, "Invalid credentials", "The email or password is wrong.");
    }

    private void failed(UUID userId, String email, String reason) {
        audit.recordAlone(AuditEntry.failure(AuditActions.AUTH_LOGIN_FAILED)
                .actor(userId, email)
                .target("user", userId)
                .detail("reason", reason));
        metrics.loginFailed();
    }

    /** Locks the user's row if the credential checked is still in force; a re-hash replaces only that hash. */
    private void requireCredential(UUID userId, String checkedHash, long checkedEpoch, String newHash) {
        if (!users.lockCredential(userId, checkedHash, checkedEpoch)) {
            throw invalidCredentials();
        }
        if (newHash != null) {
            users.replacePasswordHash(userId, checkedHash, newHash, clock.instant());
        }
    }

    /** The password was right and the user has MFA: a challenge instead of a session. */
    private SignIn.MfaRequired challenge(
            UUID userId, String checkedHash, long checkedEpoch, String newHash, UUID deviceId, boolean passkey) {
        requireCredential(userId, checkedHash, checkedEpoch, newHash);
        String token = challenges.issue(userId, checkedEpoch, deviceId);
        return new SignIn.MfaRequired(token, settings.challengeTtl().toSeconds(), passkey);
    }

    /**
     * Starts the session under the user's row lock: a password change, disable, delete or
     * sign-out-everywhere that committed meanwhile makes this sign-in fail, and one that comes later
     * waits for this session and ends it.
     */
    private SignIn.Tokens start(
            UUID userId,
            String checkedHash,
            long checkedEpoch,
            String newHash,
            DeviceTokens.Device device,
            ClientInfo client,
            String csrfToken) {
        requireCredential(userId, checkedHash, checkedEpoch, newHash);
        User user = users.findById(userId).orElseThrow(PasswordSignIn::invalidCredentials);
        user.recordLogin(clock.instant());
        Sessions.Started started = sessions.start(userId, client, false, csrfToken);
        audit.record(AuditEntry.success(AuditActions.AUTH_LOGIN)
                .actor(userId, user.email())
                .target("user", userId)
                .detail("method", "password")
                .detail("session", started.session().id())
                .detail("rehashed", newHash != null)
                .detail("knownDevice", device != null));
        if (device == null) {
            notices.newDevice(user, client);
        }
        return tokens.issue(user, started.session(), started.refreshToken(), started.refreshExpiresIn())
                .withDevice(devices.afterLogin(userId, device));
    }
}
