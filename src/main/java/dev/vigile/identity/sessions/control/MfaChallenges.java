package dev.vigile.identity.sessions.control;

import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.credentials.control.SecondFactors;
import dev.vigile.security.OpaqueTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Sign-ins waiting for their second factor ({@code mfa_challenges}, owned here): a single-use,
 * short-lived token bound to the user, the credential epoch the password was checked under, and
 * the device it came from. Every method runs in its caller's unit of work.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class MfaChallenges {
    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    UserRepository users;

    @Inject
    SessionSettings settings;

    /** A live challenge, its row and its user's row locked. */
    public record Live(String hash, UUID userId, long credentialEpoch, UUID deviceId) {}

    /** A new challenge for the user; lapsed ones of the user go, live ones stay (another device may be mid-way). */
    public String issue(UUID userId, long checkedEpoch, UUID deviceId) {
        Instant now = clock.instant();
        em.createNativeQuery(
                        "delete from mfa_challenges where user_id = ?1 and (expires_at <= ?2 or used_at is not null)")
                .setParameter(1, userId)
                .setParameter(2, now)
                .executeUpdate();
        String token = OpaqueTokens.generate();
        em.createNativeQuery(
                        "insert into mfa_challenges (token_hash, user_id, credential_epoch, device_id, created_at, expires_at)"
                                + " values (?1, ?2, ?3, ?4, ?5, ?6)")
                .setParameter(1, OpaqueTokens.hash(token))
                .setParameter(2, userId)
                .setParameter(3, checkedEpoch)
                .setParameter(4, deviceId)
                .setParameter(5, now)
                .setParameter(6, now.plus(settings.challengeTtl()))
                .executeUpdate();
        return token;
    }

    /** The user a live challenge belongs to, or null; nothing locked. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public UUID userOf(String mfaToken) {
        if (!OpaqueTokens.plausible(mfaToken)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        List<Object> rows = em.createNativeQuery(
                        "select user_id from mfa_challenges where token_hash = ?1 and used_at is null and expires_at > ?2"
                                + " and failures < ?3")
                .setParameter(1, OpaqueTokens.hash(mfaToken))
                .setParameter(2, clock.instant())
                .setParameter(3, SecondFactors.WRONG_CODES_ALLOWED)
                .getResultList();
        return rows.isEmpty() ? null : (UUID) rows.get(0);
    }

    /**
     * The challenge if it is live, locked with its user's row: the user's row first, in the order
     * of a credential event (CutOffs), which deletes the user's challenges after updating the user;
     * the reverse could deadlock.
     */
    public Optional<Live> lockLive(String mfaToken) {
        String hash = OpaqueTokens.hash(mfaToken);
        @SuppressWarnings("unchecked")
        List<Object> owner = em.createNativeQuery("select user_id from mfa_challenges where token_hash = ?1")
                .setParameter(1, hash)
                .getResultList();
        if (owner.isEmpty() || !users.lockRow((UUID) owner.get(0))) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "select user_id, credential_epoch, device_id from mfa_challenges where token_hash = ?1"
                                + " and used_at is null and expires_at > ?2 and failures < ?3 for update")
                .setParameter(1, hash)
                .setParameter(2, clock.instant())
                .setParameter(3, SecondFactors.WRONG_CODES_ALLOWED)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = rows.get(0);
        return Optional.of(new Live(hash, (UUID) r[0], ((Number) r[1]).longValue(), (UUID) r[2]));
    }

    /** A wrong code counts against the challenge; enough of them void it. */
    public void failed(Live challenge) {
        em.createNativeQuery("update mfa_challenges set failures = failures + 1 where token_hash = ?1")
                .setParameter(1, challenge.hash())
                .executeUpdate();
    }

    /** The challenge is used up. */
    public void use(Live challenge) {
        em.createNativeQuery("update mfa_challenges set used_at = ?1 where token_hash = ?2")
                .setParameter(1, clock.instant())
                .setParameter(2, challenge.hash())
                .executeUpdate();
    }

    /** Every challenge of the user goes (a credential event, or the second factor turned off). */
    public void deleteAll(UUID userId) {
        em.createNativeQuery("delete from mfa_challenges where user_id = ?1")
                .setParameter(1, userId)
                .executeUpdate();
    }
}
