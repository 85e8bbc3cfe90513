package dev.vigile.identity.credentials.control;

import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.security.OpaqueTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Tokens sent by mail (OWASP Forgot Password Cheat Sheet): 256 bits from a CSPRNG, stored only as
 * their SHA-256, bound to one user, one purpose and the address they were sent to, single-use,
 * and void once expired or once a newer token of the same purpose was issued.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class EmailTokens {
    public static final String RESET = "reset";
    public static final String VERIFY = "verify";
    public static final String EMAIL_CHANGE = "email_change";

    /** Wrong second-factor codes a reset token survives: as many as a sign-in's MFA token. */
    public static final int MAX_FAILURES = SecondFactors.WRONG_CODES_ALLOWED;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    UserRepository users;

    /** A live token, locked until the transaction ends. */
    public record Live(String hash, UUID userId, String purpose, String email, int failures) {}

    /** Issues a token for {@code email}, voiding the user's earlier tokens of that purpose. */
    public String issue(UUID userId, String purpose, String email, Duration ttl) {
        Instant now = clock.instant();
        // The user's row first, as a credential event does (CutOffs): a token issued while one runs
        // either commits before its voiding or waits for it, never slips between.
        users.lockRow(userId);
        em.createNativeQuery(
                        "update email_tokens set used_at = ?1 where user_id = ?2 and purpose = ?3 and used_at is null")
                .setParameter(1, now)
                .setParameter(2, userId)
                .setParameter(3, purpose)
                .executeUpdate();
        String token = OpaqueTokens.generate();
        em.createNativeQuery("insert into email_tokens (token_hash, user_id, purpose, email, created_at, expires_at)"
                        + " values (?1, ?2, ?3, ?4, ?5, ?6)")
                .setParameter(1, OpaqueTokens.hash(token))
                .setParameter(2, userId)
                .setParameter(3, purpose)
                .setParameter(4, email)
                .setParameter(5, now)
                .setParameter(6, now.plus(ttl))
                .executeUpdate();
        return token;
    }

    /**
     * The token if it is live (unused, unexpired) and of one of these purposes, its row and its
     * user's row locked, so that of two concurrent uses one waits and then finds it used, and a
     * credential event on the user waits for this use or voids the token first.
     */
    public Optional<Live> lockLive(String token, String... purposes) {
        if (!OpaqueTokens.plausible(token)) {
            return Optional.empty();
        }
        // The user's row before the token's, in the order of a credential event (CutOffs), which
        // voids tokens after updating the user: the reverse order could deadlock with it.
        @SuppressWarnings("unchecked")
        List<Object> owner = em.createNativeQuery("select user_id from email_tokens where token_hash = ?1")
                .setParameter(1, OpaqueTokens.hash(token))
                .getResultList();
        if (owner.isEmpty() || !users.lockRow((UUID) owner.get(0))) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "select token_hash, user_id, purpose, email, failures from email_tokens where token_hash = ?1"
                                + " and used_at is null and expires_at > ?2 and purpose = any(cast(?3 as text[])) for update")
                .setParameter(1, OpaqueTokens.hash(token))
                .setParameter(2, clock.instant())
                .setParameter(3, "{" + String.join(",", purposes) + "}")
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = rows.get(0);
        return Optional.of(
                new Live((String) r[0], (UUID) r[1], (String) r[2], (String) r[3], ((Number) r[4]).intValue()));
    }

    /** A live token's user and the address it was sent to, read without using or locking it. */
    public record Peek(UUID userId, String email) {}

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Peek> peek(String token, String purpose) {
        if (!OpaqueTokens.plausible(token)) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "select user_id, email from email_tokens where token_hash = ?1 and purpose = ?2"
                                + " and used_at is null and expires_at > ?3")
                .setParameter(1, OpaqueTokens.hash(token))
                .setParameter(2, purpose)
                .setParameter(3, clock.instant())
                .getResultList();
        return rows.stream().findFirst().map(r -> new Peek((UUID) r[0], (String) r[1]));
    }

    /** Voids every live token of the user, whatever its purpose (a credential event). */
    public void voidEvery(UUID userId) {
        em.createNativeQuery("update email_tokens set used_at = ?1 where user_id = ?2 and used_at is null")
                .setParameter(1, clock.instant())
                .setParameter(2, userId)
                .executeUpdate();
    }

    /** Uses the token up. */
    public void use(Live token) {
        em.createNativeQuery("update email_tokens set used_at = ?1 where token_hash = ?2")
                .setParameter(1, clock.instant())
                .setParameter(2, token.hash())
                .executeUpdate();
    }

    /** Voids every live token of the user with one of these purposes. */
    public void voidAll(UUID userId, String... purposes) {
        em.createNativeQuery("update email_tokens set used_at = ?1 where user_id = ?2 and used_at is null"
                        + " and purpose = any(cast(?3 as text[]))")
                .setParameter(1, clock.instant())
                .setParameter(2, userId)
                .setParameter(3, "{" + String.join(",", purposes) + "}")
                .executeUpdate();
    }

    /** Counts a wrong second-factor code against the token; the last one allowed voids it. */
    public void failed(Live token) {
        em.createNativeQuery("update email_tokens set failures = failures + 1,"
                        + " used_at = case when failures + 1 >= ?1 then ?2 else used_at end where token_hash = ?3")
                .setParameter(1, MAX_FAILURES)
                .setParameter(2, clock.instant())
                .setParameter(3, token.hash())
                .executeUpdate();
    }
}
