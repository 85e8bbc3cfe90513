package dev.vigile.identity.sessions.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.credentials.control.PasskeyAssertions;
import dev.vigile.identity.credentials.control.WebAuthnCeremonies;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.LoginThrottle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /api/auth/passkey/options} and {@code POST /api/auth/passkey}: a sign-in with a
 * discoverable passkey, no email typed. The assertion names its user (the user handle); the
 * challenge is taken, the assertion checked, the passkey's counter moved and the session started
 * in one unit of work under the user's row lock, so that of two sign-ins with one assertion one
 * succeeds. Every refusal of the credential is the 401 of a wrong password, counted with the
 * address's failed sign-ins (an unverified address's 403 comes only once the assertion holds).
 */
@ApplicationScoped
public class PasskeySignIn {
    @Inject
    PasskeyAssertions assertions;

    @Inject
    LoginThrottle throttle;

    @Inject
    UserRepository users;

    @Inject
    Sessions sessions;

    @Inject
    AccessTokens tokens;

    @Inject
    DeviceTokens devices;

    @Inject
    SignInNotices notices;

    @Inject
    SessionSettings settings;

    @Inject
    AuditLog audit;

    @Inject
    VigileMetrics metrics;

    @Inject
    java.time.Clock clock;

    @Inject
    UnitOfWork work;

    /**
     * Request options: throttled per address (each is a row until it is used or lapses). The take
     * and the challenge are one unit of work: an options request that stores no challenge takes
     * nothing.
     */
    public PasskeyAssertions.Options options(ClientInfo client) {
        Offered offered = work.call(() -> {
            long wait = throttle.passkeyOptions(client.ip());
            return wait > 0 ? new Offered(wait, null) : new Offered(0, assertions.signInOptions());
        });
        if (offered.waitSeconds() > 0) {
            metrics.throttled();
            throw ApplicationException.tooManyRequests(offered.waitSeconds());
        }
        return offered.options();
    }

    /** The options, or the seconds to wait for them. */
    record Offered(long waitSeconds, PasskeyAssertions.Options options) {}

    sealed interface Outcome {}

    record Succeeded(SignIn.Tokens tokens) implements Outcome {}

    record Failed(String reason, boolean cloned, UUID passkeyId) implements Outcome {}

    record VerifyAddressFirst() implements Outcome {}

    /**
     * What the first unit of work took and read: the seconds to wait; or the assertion, the passkey
     * it names, its owner's email and the trusted device.
     */
    record Attempt(
            long waitSeconds,
            PasskeyAssertions.Presented presented,
            UUID owner,
            String email,
            DeviceTokens.Device device) {}

    /**
     * @param deviceToken a device token an earlier sign-in handed out, or null
     * @param csrfToken a browser's new CSRF token, bound to the session it starts; null for an API client
     */
    public SignIn.Tokens signIn(
            UUID challengeId, JsonObject credential, String deviceToken, ClientInfo client, String csrfToken) {
        // Parsed first, with no database and outside any unit of work: the address's row is not
        // locked during the parse of what the client sent, and a refusal marks no transaction.
        WebAuthnCeremonies.Assertion assertion;
        String unreadable = null;
        try {
            assertion = assertions.parse(credential);
        } catch (WebAuthnCeremonies.Refused e) {
            assertion = null;
            unreadable = e.reason();
        }
        WebAuthnCeremonies.Assertion parsed = assertion;
        // First unit of work: the address's attempt taken (committed before the assertion is
        // checked, so a failure counts even if the request dies after), then, for a readable
        // credential, the passkey it names, its owner's email and the device.
        Attempt first = work.call(() -> takeAndRead(parsed, deviceToken, client));
        if (first.waitSeconds() > 0) {
            metrics.throttled();
            throw ApplicationException.tooManyRequests(first.waitSeconds());
        }
        if (unreadable != null) {
            failed(null, null, new Failed(unreadable, false, null));
            throw PasswordSignIn.invalidCredentials();
        }
        UUID owner = first.owner();
        // Second and last: the challenge, the assertion, the session, and the attempt given back.
        Outcome outcome = work.call(() -> {
            Outcome o = attempt(challengeId, first.presented(), owner, first.device(), client, csrfToken);
            if (o instanceof Succeeded) {
                throttle.passkeySucceeded(client.ip());
            }
            return o;
        });
        if (outcome instanceof Succeeded ok) {
            metrics.loginSucceeded();
            return ok.tokens();
        }
        if (outcome instanceof VerifyAddressFirst) {
            failed(owner, first.email(), new Failed("email not verified", false, null));
            throw PasswordSignIn.emailNotVerified();
        }
        failed(owner, first.email(), (Failed) outcome);
        throw PasswordSignIn.invalidCredentials();
    }

    /** Takes the attempt; then, if it may proceed and the assertion was readable, reads what it names. */
    private Attempt takeAndRead(WebAuthnCeremonies.Assertion assertion, String deviceToken, ClientInfo client) {
        long wait = throttle.passkeyAttempt(client.ip());
        if (wait > 0 || assertion == null) {
            return new Attempt(wait, null, null, null, null);
        }
        PasskeyAssertions.Presented presented = assertions.find(assertion);
        UUID owner = presented.userId().orElse(null);
        String email = owner == null ? null : users.emailOf(owner);
        DeviceTokens.Device device = deviceToken == null || email == null ? null : devices.trusted(deviceToken, email);
        return new Attempt(0, presented, owner, email, device);
    }

    private Outcome attempt(
            UUID challengeId,
            PasskeyAssertions.Presented presented,
            UUID owner,
            DeviceTokens.Device device,
            ClientInfo client,
            String csrfToken) {
        // The owner's row first, as every change of the user locks it: a disable, a deletion or a
        // removal of the passkey either committed before (and is seen) or waits for this sign-in.
        boolean locked = owner != null && users.lockRow(owner);
        PasskeyAssertions.Result result = assertions.signIn(
                challengeId,
                locked ? presented : new PasskeyAssertions.Presented(presented.assertion(), Optional.empty()));
        if (result instanceof PasskeyAssertions.Failed f) {
            return new Failed(f.reason(), f.cloned(), f.passkeyId());
        }
        PasskeyAssertions.Used used = (PasskeyAssertions.Used) result;
        User user = users.findById(owner).orElse(null);
        if (user == null || !user.enabled()) {
            return new Failed("disabled", false, used.passkeyId());
        }
        if (settings.requireVerifiedEmail() && !user.emailVerified()) {
            return new VerifyAddressFirst();
        }
        user.recordLogin(clock.instant());
        Sessions.Started started =
                sessions.start(user.id(), client, true, List.of(used.amr(), "user"), used.passkeyId(), csrfToken);
        audit.record(AuditEntry.success(AuditActions.AUTH_LOGIN)
                .actor(user.id(), user.email())
                .target("user", user.id())
                .detail("method", "passkey")
                .detail("session", started.session().id())
                .detail("passkey", used.passkeyId())
                .detail("knownDevice", device != null));
        if (device == null) {
            notices.newDevice(user, client);
        }
        return new Succeeded(tokens.issue(user, started.session(), started.refreshToken(), started.refreshExpiresIn())
                .withDevice(devices.afterLogin(user.id(), device)));
    }

    private void failed(UUID userId, String email, Failed failure) {
        audit.recordAlone(AuditEntry.failure(AuditActions.AUTH_LOGIN_FAILED)
                .actor(userId, email)
                .target("user", userId)
                .detail("method", "passkey")
                .detail("reason", failure.reason()));
        if (failure.cloned()) {
            audit.recordAlone(AuditEntry.failure(AuditActions.AUTH_PASSKEY_CLONED)
                    .actor(userId, email)
                    .target("user", userId)
                    .detail("passkey", failure.passkeyId()));
        }
        metrics.loginFailed();
    }
}
