package dev.vigile.identity.credentials.control;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.security.KeyEncryption;
import dev.vigile.security.KeyEncryptionKeys;
import dev.vigile.security.OpaqueTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * The second factors a user holds: the TOTP secret ({@code mfa_totp}, sealed under the
 * key-encryption key and bound to its user) and the recovery codes ({@code mfa_recovery_codes},
 * stored as hashes), owned here. Every method runs in its caller's unit of work.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class MfaFactors {
    @PersistenceContext
    EntityManager em;

    @Inject
    Totp totp;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperties
    KeyEncryptionKeys keys;

    private volatile KeyEncryption encryption;

    /** The user's TOTP secret, sealed, and whether an enrollment confirmed it. */
    public record Factor(String sealedSecret, boolean confirmed) {}

    private KeyEncryption encryption() {
        if (encryption == null) {
            try {
                encryption = keys.encryption();
            } catch (IllegalStateException e) {
                throw ApplicationException.unavailable(
                        "Multi-factor authentication needs VIGILE_KEY_ENCRYPTION_KEY, which is not set.", 3600);
            }
        }
        return encryption;
    }

    private static String kid(UUID userId) {
        return "totp:" + userId;
    }

    /** A pending secret, replacing any earlier one; nothing is enforced until it is confirmed. */
    void begin(UUID userId, String secret) {
        em.createNativeQuery("insert into mfa_totp (user_id, secret, created_at) values (?1, ?2, ?3)"
                        + " on conflict (user_id) do update set secret = excluded.secret, created_at = excluded.created_at,"
                        + " confirmed_at = null, last_step = 0")
                .setParameter(1, userId)
                .setParameter(2, encryption().seal(kid(userId), secret))
                .setParameter(3, clock.instant())
                .executeUpdate();
    }

    Optional<Factor> factor(UUID userId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "select secret, confirmed_at is not null from mfa_totp where user_id = ?1")
                .setParameter(1, userId)
                .getResultList();
        return rows.isEmpty()
                ? Optional.empty()
                : Optional.of(new Factor((String) rows.get(0)[0], (Boolean) rows.get(0)[1]));
    }

    /** Accepts a TOTP code once: its time step must be later than the last accepted. */
    boolean useTotp(UUID userId, Factor factor, String code) {
        String secret = encryption().open(kid(userId), factor.sealedSecret());
        OptionalLong step =
                totp.matchingStep(secret, code == null ? null : code.strip().replace(" ", ""), clock.instant());
        if (step.isEmpty()) {
            return false;
        }
        return em.createNativeQuery("update mfa_totp set last_step = ?1 where user_id = ?2 and last_step < ?1")
                        .setParameter(1, step.getAsLong())
                        .setParameter(2, userId)
                        .executeUpdate()
                == 1;
    }

    /** Uses a recovery code up, if it is one of the user's unused codes. */
    boolean useRecoveryCode(UUID userId, String code) {
        if (code.length() > 64) {
            return false;
        }
        return em.createNativeQuery(
                                "update mfa_recovery_codes set used_at = ?1 where user_id = ?2 and code_hash = ?3 and used_at is null")
                        .setParameter(1, clock.instant())
                        .setParameter(2, userId)
                        .setParameter(3, recoveryHash(code))
                        .executeUpdate()
                == 1;
    }

    void confirm(UUID userId, Instant now) {
        em.createNativeQuery("update mfa_totp set confirmed_at = ?1 where user_id = ?2")
                .setParameter(1, now)
                .setParameter(2, userId)
                .executeUpdate();
    }

    /** Replaces the user's recovery codes by these. */
    void storeRecoveryCodes(UUID userId, List<String> codes) {
        em.createNativeQuery("delete from mfa_recovery_codes where user_id = ?1")
                .setParameter(1, userId)
                .executeUpdate();
        for (String code : codes) {
            em.createNativeQuery("insert into mfa_recovery_codes (user_id, code_hash) values (?1, ?2)")
                    .setParameter(1, userId)
                    .setParameter(2, recoveryHash(code))
                    .executeUpdate();
        }
    }

    /** Every factor of the user goes. */
    void removeAll(UUID userId) {
        em.createNativeQuery("delete from mfa_totp where user_id = ?1")
                .setParameter(1, userId)
                .executeUpdate();
        em.createNativeQuery("delete from mfa_recovery_codes where user_id = ?1")
                .setParameter(1, userId)
                .executeUpdate();
    }

    /** An enrollment not yet confirmed goes (a credential event voids it). */
    public void dropUnconfirmed(UUID userId) {
        em.createNativeQuery("delete from mfa_totp where user_id = ?1 and confirmed_at is null")
                .setParameter(1, userId)
                .executeUpdate();
    }

    /** A recovery code as typed: case, spaces and dashes do not matter. */
    static String recoveryHash(String code) {
        String normalized =
                code.strip().toLowerCase(Locale.ROOT).replace("-", "").replace(" ", "");
        return OpaqueTokens.hash(normalized);
    }
}
