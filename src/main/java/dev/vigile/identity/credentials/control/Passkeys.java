package dev.vigile.identity.credentials.control;

import dev.vigile.platform.persistence.NativeValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A user's passkeys ({@code passkeys}), the opaque handle they carry ({@code passkey_handles}) and
 * the ceremonies under way ({@code passkey_challenges}), owned here. Every method runs in its
 * caller's unit of work.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class Passkeys {
    /** Passkeys one user may hold. */
    public static final int MAX_PER_USER = 20;

    /** How long a ceremony may take. */
    public static final Duration CHALLENGE_TTL = Duration.ofMinutes(5);

    private static final SecureRandom RANDOM = new SecureRandom();

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    /** A passkey as its owner sees it. */
    public record Passkey(UUID id, String name, Instant createdAt, Instant lastUsedAt, boolean backedUp) {}

    /** A passkey as an assertion is checked against it. */
    public record Stored(
            UUID id,
            UUID userId,
            byte[] credentialId,
            byte[] credential,
            long signCount,
            boolean backupEligible,
            boolean backedUp,
            byte[] userHandle) {}

    /** A challenge taken (deleted): what it was bound to. */
    public record Challenge(byte[] value, UUID userId, Long credentialEpoch, String mfaTokenHash) {}

    public enum Purpose {
        REGISTER("register"),
        SIGN_IN("sign-in"),
        SECOND_FACTOR("second-factor");

        final String column;

        Purpose(String column) {
            this.column = column;
        }
    }

    static byte[] random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The user's handle, made on first use (the user's row locked by the caller). */
    byte[] handleOf(UUID userId) {
        Optional<byte[]> found = existingHandle(userId);
        if (found.isPresent()) {
            return found.get();
        }
        em.createNativeQuery("insert into passkey_handles (user_id, handle) values (?1, ?2) on conflict do nothing")
                .setParameter(1, userId)
                .setParameter(2, random(32))
                .executeUpdate();
        return existingHandle(userId).orElseThrow();
    }

    Optional<byte[]> existingHandle(UUID userId) {
        @SuppressWarnings("unchecked")
        List<byte[]> rows = em.createNativeQuery("select handle from passkey_handles where user_id = ?1")
                .setParameter(1, userId)
                .getResultList();
        return rows.stream().findFirst();
    }

    /** A new challenge; lapsed ones go first, a bounded batch at a time. */
    UUID issue(Purpose purpose, byte[] challenge, UUID userId, Long credentialEpoch, String mfaTokenHash) {
        Instant now = clock.instant();
        // Skip what others hold: a credential event deleting its user's challenges locks them in
        // another order, and waiting on each other would deadlock.
        em.createNativeQuery("delete from passkey_challenges where id in (select id from passkey_challenges"
                        + " where expires_at <= ?1 limit 100 for update skip locked)")
                .setParameter(1, now)
                .executeUpdate();
        UUID id = UUID.randomUUID();
        em.createNativeQuery("insert into passkey_challenges (id, purpose, challenge, user_id, credential_epoch,"
                        + " mfa_token_hash, created_at, expires_at) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
                .setParameter(1, id)
                .setParameter(2, purpose.column)
                .setParameter(3, challenge)
                .setParameter(4, userId)
                .setParameter(5, credentialEpoch)
                .setParameter(6, mfaTokenHash)
                .setParameter(7, now)
                .setParameter(8, now.plus(CHALLENGE_TTL))
                .executeUpdate();
        return id;
    }

    /**
     * Takes the challenge: deleted whatever comes next, so it serves once (of two concurrent
     * takers, one gets it). Empty when unknown, taken, expired or of another purpose.
     */
    Optional<Challenge> take(UUID id, Purpose purpose) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("delete from passkey_challenges where id = ?1 and purpose = ?2"
                        + " returning challenge, user_id, credential_epoch, mfa_token_hash, expires_at > ?3")
                .setParameter(1, id)
                .setParameter(2, purpose.column)
                .setParameter(3, clock.instant())
                .getResultList();
        if (rows.isEmpty() || !Boolean.TRUE.equals(rows.get(0)[4])) {
            return Optional.empty();
        }
        Object[] r = rows.get(0);
        return Optional.of(new Challenge(
                (byte[]) r[0], (UUID) r[1], r[2] == null ? null : ((Number) r[2]).longValue(), (String) r[3]));
    }

    /** The registrations a user began go (a credential event: they were asked for under the old one). */
    public void voidRegistrations(UUID userId) {
        em.createNativeQuery("delete from passkey_challenges where user_id = ?1")
                .setParameter(1, userId)
                .executeUpdate();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Passkey> of(UUID userId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select id, name, created_at, last_used_at, backed_up from passkeys"
                        + " where user_id = ?1 order by created_at, id")
                .setParameter(1, userId)
                .getResultList();
        List<Passkey> list = new ArrayList<>();
        for (Object[] r : rows) {
            list.add(new Passkey(
                    (UUID) r[0], (String) r[1], NativeValues.instant(r[2]), NativeValues.instant(r[3]), (Boolean)
                            r[4]));
        }
        return list;
    }

    /** The credential ids of the user's passkeys (exclude or allow lists). */
    List<byte[]> credentialIds(UUID userId) {
        @SuppressWarnings("unchecked")
        List<byte[]> rows = em.createNativeQuery(
                        "select credential_id from passkeys where user_id = ?1 order by created_at, id")
                .setParameter(1, userId)
                .getResultList();
        return rows;
    }

    int count(UUID userId) {
        return ((Number) em.createNativeQuery("select count(*) from passkeys where user_id = ?1")
                        .setParameter(1, userId)
                        .getSingleResult())
                .intValue();
    }

    /** Stores a passkey; false when its credential id is registered already (to anyone). */
    boolean add(UUID id, UUID userId, String name, WebAuthnCeremonies.NewCredential c, Instant now) {
        return em.createNativeQuery(
                                "insert into passkeys (id, user_id, credential_id, credential, sign_count,"
                                        + " backup_eligible, backed_up, transports, name, created_at)"
                                        + " values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) on conflict (credential_id) do nothing")
                        .setParameter(1, id)
                        .setParameter(2, userId)
                        .setParameter(3, c.credentialId())
                        .setParameter(4, c.credential())
                        .setParameter(5, c.signCount())
                        .setParameter(6, c.backupEligible())
                        .setParameter(7, c.backedUp())
                        .setParameter(8, c.transports())
                        .setParameter(9, name)
                        .setParameter(10, now)
                        .executeUpdate()
                == 1;
    }

    /** The passkey with this credential id, with its owner's handle; empty when unknown. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Stored> byCredentialId(byte[] credentialId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select p.id, p.user_id, p.credential_id, p.credential,"
                        + " p.sign_count, p.backup_eligible, p.backed_up, h.handle from passkeys p"
                        + " join passkey_handles h on h.user_id = p.user_id where p.credential_id = ?1")
                .setParameter(1, credentialId)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = rows.get(0);
        return Optional.of(new Stored(
                (UUID) r[0],
                (UUID) r[1],
                (byte[]) r[2],
                (byte[]) r[3],
                ((Number) r[4]).longValue(),
                (Boolean) r[5],
                (Boolean) r[6],
                (byte[]) r[7]));
    }

    /**
     * Records a use: the counter moves only forward (0 stays 0 for an authenticator without one),
     * in one statement, so that of two sign-ins with one counter value one fails here.
     *
     * @return false when the stored counter is no longer below the presented one, or the passkey is gone
     */
    boolean used(UUID id, long expectedCount, long newCount, boolean backedUp, Instant now) {
        return em.createNativeQuery("update passkeys set sign_count = ?1, backed_up = ?2, last_used_at = ?3"
                                + " where id = ?4 and sign_count = ?5")
                        .setParameter(1, newCount)
                        .setParameter(2, backedUp)
                        .setParameter(3, now)
                        .setParameter(4, id)
                        .setParameter(5, expectedCount)
                        .executeUpdate()
                == 1;
    }

    /** The passkey's signature counter as stored now; empty when it is gone. */
    Optional<Long> signCount(UUID id) {
        @SuppressWarnings("unchecked")
        List<Number> rows = em.createNativeQuery("select sign_count from passkeys where id = ?1")
                .setParameter(1, id)
                .getResultList();
        return rows.stream().findFirst().map(Number::longValue);
    }

    /** Renames the user's passkey; false when the user has no such passkey. */
    boolean rename(UUID userId, UUID id, String name) {
        return em.createNativeQuery("update passkeys set name = ?1 where id = ?2 and user_id = ?3")
                        .setParameter(1, name)
                        .setParameter(2, id)
                        .setParameter(3, userId)
                        .executeUpdate()
                == 1;
    }

    /** Removes the user's passkey; its name, or empty when the user has no such passkey. */
    Optional<String> remove(UUID userId, UUID id) {
        @SuppressWarnings("unchecked")
        List<String> rows = em.createNativeQuery("delete from passkeys where id = ?1 and user_id = ?2 returning name")
                .setParameter(1, id)
                .setParameter(2, userId)
                .getResultList();
        return rows.stream().findFirst();
    }
}
