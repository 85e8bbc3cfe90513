package dev.vigile.identity.credentials.control;

import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.security.LoginThrottle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The credentials' façade for a sign-in's second step and a reset's: a user's second factor
 * checked and used up in the caller's unit of work, and the per-user throttle of wrong codes
 * (OWASP Multifactor Authentication Cheat Sheet, ASVS 5.0 V6).
 */
@ApplicationScoped
public class SecondFactors {
    /** Wrong codes that void the token they were tried with (a sign-in's MFA token, a reset link). */
    public static final int WRONG_CODES_ALLOWED = 5;

    static final int RECOVERY_CODES = 10;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();

    @Inject
    MfaFactors factors;

    @Inject
    LoginThrottle throttle;

    @Inject
    AuditLog audit;

    @Inject
    VigileMetrics metrics;

    /**
     * Checks a second factor of the user in the caller's unit of work and uses it up: a TOTP code
     * (each accepted once) or a recovery code (each usable once). Throttling is the caller's.
     *
     * @return how it was proven ({@code totp}, {@code recovery_code}), or empty when wrong
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<String> useFactor(UUID userId, String code, String recoveryCode) {
        if (recoveryCode != null) {
            return factors.useRecoveryCode(userId, recoveryCode) ? Optional.of("recovery_code") : Optional.empty();
        }
        Optional<MfaFactors.Factor> factor = factors.factor(userId).filter(MfaFactors.Factor::confirmed);
        return factor.isPresent() && factors.useTotp(userId, factor.get(), code)
                ? Optional.of("totp")
                : Optional.empty();
    }

    /** 429 while the user's wrong codes are throttled. */
    public void waitForAttempt(UUID userId) {
        long wait = throttle.mfaAttempt(userId);
        if (wait > 0) {
            metrics.throttled();
            throw ApplicationException.tooManyRequests(wait);
        }
    }

    public void succeeded(UUID userId) {
        throttle.mfaSucceeded(userId);
    }

    /** A wrong code at a change of factor: audited under the change's action, a 400 naming {@code code}. */
    ApplicationException wrongCode(UUID userId, String email, String action) {
        audit.recordAlone(AuditEntry.failure(action)
                .actor(userId, email)
                .target("user", userId)
                .detail("reason", "wrong code"));
        return ApplicationException.invalid("code", "is not a valid code");
    }

    /** Ten fresh recovery codes, {@code xxxxxx-xxxxxx} from an alphabet without look-alikes. */
    static List<String> newRecoveryCodes() {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < RECOVERY_CODES; i++) {
            StringBuilder code = new StringBuilder();
            for (int j = 0; j < 12; j++) {
                if (j == 6) {
                    code.append('-');
                }
                code.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
            }
            codes.add(code.toString());
        }
        return codes;
    }
}
