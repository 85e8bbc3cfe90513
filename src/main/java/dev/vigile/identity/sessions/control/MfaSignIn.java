package dev.vigile.identity.sessions.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.ProblemTypes;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.credentials.control.PasskeyAssertions;
import dev.vigile.identity.credentials.control.SecondFactors;
import dev.vigile.identity.credentials.control.WebAuthnCeremonies;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.OpaqueTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /api/auth/login/mfa}: the second step. The MFA token is looked up and locked, the
 * code checked and used up, and the session started in one unit of work; a wrong code counts
 * against the token (five void it) and the user's throttle.
 */
@ApplicationScoped
public class MfaSignIn {
    @Inject
    MfaChallenges challenges;

    @Inject
    SecondFactors factors;

    @Inject
    PasskeyAssertions passkeys;

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
    AuditLog audit;

    @Inject
    VigileMetrics metrics;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    /** How the second step ended; every outcome commits (a wrong code is counted, a used token stays used). */
    sealed interface Outcome {}

    record Succeeded(SignIn.Tokens tokens) implements Outcome {}

    /** The code was wrong or already used; the passkey's assertion refused ({@code cloned}: its counter did not grow). */
    record WrongCode(String reason, boolean cloned, UUID passkeyId) implements Outcome {
        WrongCode() {
            this("wrong code", false, null);
        }
    }

    /** A credential event committed since the password was checked. */
    record Stale() implements Outcome {}

    /** The token is unknown, expired, used or voided. */
    record Gone() implements Outcome {}

    /** A passkey's answer to the second step: the challenge it answers and the assertion. */
    public record PasskeyProof(UUID challengeId, JsonObject credential) {}

    /**
     * {@code POST /api/auth/login/mfa/passkey-options}: request options bound to this MFA token,
     * listing the user's passkeys; counted with the user's second-factor attempts.
     */
    public PasskeyAssertions.Options passkeyOptions(String mfaToken) {
        UUID userId = challenges.userOf(mfaToken);
        if (userId == null) {
            throw invalidMfa("The MFA token is unknown, expired or used up.");
        }
        factors.waitForAttempt(userId);
        return work.call(() -> passkeys.secondFactorOptions(userId, OpaqueTokens.hash(mfaToken)));
    }

    /** @param csrfToken a browser's new CSRF token, bound to the session it starts; null for an API client */
    public SignIn.Tokens complete(
            String mfaToken, String code, String recoveryCode, ClientInfo client, String csrfToken) {
        return complete(mfaToken, code, recoveryCode, null, client, csrfToken);
    }

    /** @param passkey a passkey's assertion instead of a code, or null */
    public SignIn.Tokens complete(
            String mfaToken,
            String code,
            String recoveryCode,
            PasskeyProof passkey,
            ClientInfo client,
            String csrfToken) {
        int given = (code == null ? 0 : 1) + (recoveryCode == null ? 0 : 1) + (passkey == null ? 0 : 1);
        if (given != 1) {
            throw ApplicationException.invalid(
                    "code", "give exactly one of code, recoveryCode, or challengeId with credential");
        }
        UUID userId = challenges.userOf(mfaToken);
        if (userId == null) {
            throw invalidMfa("The MFA token is unknown, expired or used up.");
        }
        factors.waitForAttempt(userId);
        PasskeyAssertions.Presented presented = null;
        String unreadable = null;
        if (passkey != null) {
            try {
                presented = passkeys.read(passkey.credential());
            } catch (WebAuthnCeremonies.Refused e) {
                unreadable = e.reason();
            }
        }
        PasskeyAssertions.Presented assertion = presented;
        String refusedAsRead = unreadable;
        Outcome outcome = work.call(
                () -> check(mfaToken, code, recoveryCode, passkey, assertion, refusedAsRead, client, csrfToken));
        if (outcome instanceof Succeeded ok) {
            factors.succeeded(userId);
            metrics.loginSucceeded();
            return ok.tokens();
        }
        String reason = outcome instanceof WrongCode w
                ? w.reason()
                : outcome instanceof Stale ? "credentials changed" : "token used up";
        String email = users.emailOf(userId);
        audit.recordAlone(AuditEntry.failure(AuditActions.AUTH_LOGIN_MFA_FAILED)
                .actor(userId, email)
                .target("user", userId)
                .detail("reason", reason)
                .detail("method", passkey != null ? "passkey" : recoveryCode != null ? "recovery_code" : "totp"));
        if (outcome instanceof WrongCode w && w.cloned()) {
            audit.recordAlone(AuditEntry.failure(AuditActions.AUTH_PASSKEY_CLONED)
                    .actor(userId, email)
                    .target("user", userId)
                    .detail("passkey", w.passkeyId()));
        }
        metrics.loginFailed();
        throw invalidMfa(
                outcome instanceof WrongCode
                        ? "The code is wrong or was already used."
                        : "The MFA token is unknown, expired or used up.");
    }

    private static ApplicationException invalidMfa(String detail) {
        return ApplicationException.unauthorized(ProblemTypes.INVALID_MFA_CODE, "Invalid second factor", detail);
    }

    private Outcome check(
            String mfaToken,
            String code,
            String recoveryCode,
            PasskeyProof passkey,
            PasskeyAssertions.Presented presented,
            String unreadable,
            ClientInfo client,
            String csrfToken) {
        Optional<MfaChallenges.Live> found = challenges.lockLive(mfaToken);
        if (found.isEmpty()) {
            return new Gone();
        }
        MfaChallenges.Live challenge = found.get();
        UUID userId = challenge.userId();
        Optional<String> method;
        PasskeyAssertions.Used used = null;
        if (passkey != null) {
            PasskeyAssertions.Result result = presented == null
                    ? new PasskeyAssertions.Failed(unreadable, false, null)
                    : passkeys.secondFactor(passkey.challengeId(), challenge.hash(), userId, presented);
            if (result instanceof PasskeyAssertions.Failed f) {
                challenges.failed(challenge);
                return new WrongCode(f.reason(), f.cloned(), f.passkeyId());
            }
            used = (PasskeyAssertions.Used) result;
            method = Optional.of("passkey");
        } else {
            method = factors.useFactor(userId, code, recoveryCode);
        }
        if (method.isEmpty()) {
            challenges.failed(challenge);
            return new WrongCode();
        }
        challenges.use(challenge);
        if (!users.lockCredential(userId, challenge.credentialEpoch())) {
            return new Stale();
        }
        User user = users.findById(userId).orElseThrow(PasswordSignIn::invalidCredentials);
        Instant now = clock.instant();
        user.recordLogin(now);
        Sessions.Started started = used == null
                ? sessions.start(userId, client, true, csrfToken)
                : sessions.start(userId, client, true, List.of("pwd", used.amr()), used.passkeyId(), csrfToken);
        DeviceTokens.Device device =
                challenge.deviceId() == null ? null : new DeviceTokens.Device(challenge.deviceId(), null);
        audit.record(AuditEntry.success(AuditActions.AUTH_LOGIN)
                .actor(userId, user.email())
                .target("user", userId)
                .detail("session", started.session().id())
                .detail("mfa", method.get())
                .detail("method", used != null ? "passkey" : "password")
                .detail("knownDevice", device != null));
        if (device == null) {
            notices.newDevice(user, client);
        }
        return new Succeeded(tokens.issue(user, started.session(), started.refreshToken(), started.refreshExpiresIn())
                .withDevice(devices.afterLogin(userId, device)));
    }
}
