package dev.vigile.identity.sessions.control;

import dev.vigile.security.OpaqueTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Device tokens (OWASP Authentication Cheat Sheet, device cookies): a client that once logged in
 * to an account presents its token at later logins, and its failures are counted for that device
 * alone, not for the account, so that a stranger who knows only the email cannot lock the owner
 * out. A token is 256 random bits, stored as its SHA-256 hash, bound to one user, and lapses after
 * {@code vigile.login.device-ttl} without use; a user's tokens die with the user.
 */
@ApplicationScoped
public class DeviceTokens {
    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    SessionSettings settings;

    /** Devices a user keeps; the least recently used beyond this are forgotten. */
    static final int MAX_PER_USER = 50;

    /** Every device of the user is forgotten (a credential event). */
    @jakarta.transaction.Transactional(jakarta.transaction.Transactional.TxType.MANDATORY)
    public void forgetAll(UUID userId) {
        em.createNativeQuery("delete from device_tokens where user_id = ?1")
                .setParameter(1, userId)
                .executeUpdate();
    }

    /** A token known to belong to the user of this email: its id. */
    public record Device(UUID id, String token) {}

    /** The device, if {@code token} is a live device token of the user with this email; else null. */
    public Device trusted(String token, String normalizedEmail) {
        if (!OpaqueTokens.plausible(token)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        List<Object> ids = em.createNativeQuery("select d.id from device_tokens d join users u on u.id = d.user_id"
                        + " where d.token_hash = ?1 and u.email = ?2 and d.last_used_at > ?3")
                .setParameter(1, OpaqueTokens.hash(token))
                .setParameter(2, normalizedEmail)
                .setParameter(3, clock.instant().minus(settings.deviceTtl()))
                .getResultList();
        return ids.isEmpty() ? null : new Device((UUID) ids.get(0), token);
    }

    /**
     * At a successful login, in its transaction: the device presented is touched and kept (its
     * token stays the same), or a new one is made. A device known by its id alone (a second step,
     * whose challenge kept the id of the device presented at the first, never its token) gets a new token
     * in place of its old one, so that every successful login hands one out (API.md) and the
     * device stays one row.
     */
    public String afterLogin(UUID userId, Device presented) {
        Instant now = clock.instant();
        if (presented != null) {
            boolean renew = presented.token() == null;
            String token = renew ? OpaqueTokens.generate() : presented.token();
            jakarta.persistence.Query touch = em.createNativeQuery("update device_tokens set last_used_at = ?1"
                            + (renew ? ", token_hash = ?4" : "") + " where id = ?2 and user_id = ?3")
                    .setParameter(1, now)
                    .setParameter(2, presented.id())
                    .setParameter(3, userId);
            if (renew) {
                touch.setParameter(4, OpaqueTokens.hash(token));
            }
            int touched = touch.executeUpdate();
            if (touched == 1) {
                return token;
            }
        }
        String token = OpaqueTokens.generate();
        em.createNativeQuery("insert into device_tokens (id, user_id, token_hash, created_at, last_used_at)"
                        + " values (?1, ?2, ?3, ?4, ?4)")
                .setParameter(1, UUID.randomUUID())
                .setParameter(2, userId)
                .setParameter(3, OpaqueTokens.hash(token))
                .setParameter(4, now)
                .executeUpdate();
        // A client that never keeps its token would add a row at each login: a user keeps the
        // MAX_PER_USER most recently used devices, and lapsed ones go.
        em.createNativeQuery("delete from device_tokens where user_id = ?1 and (last_used_at <= ?2 or id not in"
                        + " (select id from device_tokens where user_id = ?1 order by last_used_at desc limit ?3))")
                .setParameter(1, userId)
                .setParameter(2, now.minus(settings.deviceTtl()))
                .setParameter(3, MAX_PER_USER)
                .executeUpdate();
        return token;
    }
}
