package dev.vigile.identity.sessions.control;

import dev.vigile.common.pagination.Page;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.events.MfaChanged;
import dev.vigile.identity.events.SecondFactorRemoved;
import dev.vigile.identity.sessions.entity.Session;
import dev.vigile.security.OpaqueTokens;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sessions and their refresh-token families (RFC 9700 section 4.14), the owner of {@code
 * sessions} and {@code refresh_tokens}. Each refresh rotates the token with one conditional
 * UPDATE, so of N concurrent refreshes exactly one wins. Writes run in the caller's unit of work.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class Sessions {
    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    SessionSettings settings;

    @Inject
    MfaChallenges challenges;

    /** A session with its first refresh token (shown once, never stored). */
    public record Started(Session session, String refreshToken, long refreshExpiresIn) {}

    /** What a rotation reads back of its session, with the successor token. */
    /**
     * A rotation. {@code audited}: this refresh is one the audit log records (the session's first,
     * from a new address or user agent, or the first after {@link SessionSettings#refreshAuditInterval}).
     */
    public record Rotated(
            UUID id, UUID userId, Instant expiresAt, boolean mfa, String amr, String refreshToken, boolean audited) {}

    /** The session and owner of a refresh token already rotated (a reuse), or of a live one. */
    public record Family(UUID sessionId, UUID userId, boolean rotated, boolean revoked) {}

    /**
     * Starts a session; with {@code csrfToken} (a browser's), binds it to the session in the same
     * statement.
     *
     * @param mfa whether the sign-in passed a second factor
     */
    public Started start(UUID userId, ClientInfo client, boolean mfa, String csrfToken) {
        return start(userId, client, mfa, null, null, csrfToken);
    }

    /**
     * Starts a session proven as {@code amr} says (null: by the password, and a code when {@code
     * mfa}), by the passkey {@code passkeyId} when one was used.
     */
    public Started start(
            UUID userId, ClientInfo client, boolean mfa, List<String> amr, UUID passkeyId, String csrfToken) {
        Instant now = clock.instant();
        Session session = new Session(
                UUID.randomUUID(), userId, now, settings.absoluteTtl(), client.ip(), client.userAgent(), mfa);
        if (amr != null) {
            session.provenBy(amr, passkeyId);
        }
        if (csrfToken != null) {
            session.bindCsrf(OpaqueTokens.hash(csrfToken));
        }
        em.persist(session);
        em.flush();
        String token = issueToken(session.id(), now);
        return new Started(session, token, secondsUntil(session.endsAt(settings.idleTtl()), now));
    }

    /**
     * Rotates the presented token if it is current and its session alive, touches the session,
     * stores its successor and binds {@code csrfToken} when given; null when the token is not
     * current. One round trip, read through JDBC: mapping the row to an entity made Hibernate resolve
     * a result-set mapping on every refresh, a tenth of its CPU.
     */
    public Rotated rotate(String token, ClientInfo client, String csrfToken) {
        if (!OpaqueTokens.plausible(token)) {
            return null;
        }
        String hash = OpaqueTokens.hash(token);
        Instant now = clock.instant();
        String next = OpaqueTokens.generate();
        String csrfHash = csrfToken == null ? null : OpaqueTokens.hash(csrfToken);
        return em.unwrap(org.hibernate.Session.class).doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(ROTATE)) {
                OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
                ps.setObject(1, at);
                ps.setString(2, hash);
                ps.setObject(3, at);
                ps.setObject(4, now.minus(settings.idleTtl()).atOffset(ZoneOffset.UTC));
                ps.setObject(5, at);
                ps.setString(6, client.ip());
                ps.setString(7, client.userAgent());
                ps.setString(8, csrfHash);
                ps.setObject(9, now.minus(settings.refreshAuditInterval()).atOffset(ZoneOffset.UTC));
                ps.setString(10, client.ip());
                ps.setString(11, client.userAgent());
                ps.setObject(12, at);
                ps.setObject(13, at);
                ps.setString(14, OpaqueTokens.hash(next));
                ps.setObject(15, at);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    return new Rotated(
                            rs.getObject(1, UUID.class),
                            rs.getObject(2, UUID.class),
                            rs.getObject(3, OffsetDateTime.class).toInstant(),
                            rs.getBoolean(4),
                            rs.getString(5),
                            next,
                            rs.getBoolean(6));
                }
            }
        });
    }

    private static final String ROTATE = "with rotated as (update refresh_tokens t set rotated_at = ? from sessions s"
            + " where t.token_hash = ? and t.rotated_at is null and s.id = t.session_id"
            + " and s.revoked_at is null and s.expires_at > ? and s.last_used_at > ?"
            + " returning t.session_id),"
            // In SET, s.ip and s.user_agent are still the last use's: a change of either is audited.
            + " touched as (update sessions s set last_used_at = ?, ip = ?, user_agent = ?,"
            + " csrf_hash = coalesce(?, s.csrf_hash),"
            + " refresh_audited_at = case when s.refresh_audited_at is null or s.refresh_audited_at <= ?"
            + " or s.ip is distinct from ? or s.user_agent is distinct from ? then ? else s.refresh_audited_at end"
            + " from rotated r where s.id = r.session_id"
            + " returning s.id, s.user_id, s.expires_at, s.mfa, s.amr, s.refresh_audited_at = ? audited),"
            + " issued as (insert into refresh_tokens (token_hash, session_id, issued_at)"
            + " select ?, id, ? from touched)"
            + " select id, user_id, expires_at, mfa, amr, audited from touched";

    /** The session a refresh token belongs to, whether rotated or revoked; null when unknown. */
    public Family familyOf(String token) {
        if (!OpaqueTokens.plausible(token)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "select s.id, s.user_id, t.rotated_at is not null, s.revoked_at is not null from refresh_tokens t"
                                + " join sessions s on s.id = t.session_id where t.token_hash = ?1")
                .setParameter(1, OpaqueTokens.hash(token))
                .getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] r = rows.get(0);
        return new Family((UUID) r[0], (UUID) r[1], (Boolean) r[2], (Boolean) r[3]);
    }

    /**
     * 403 unless {@code csrfToken} is the one bound to the session of this refresh token; nothing
     * when the refresh token is unknown (the refresh or sign-out then answers for itself).
     */
    public void requireCsrf(String refreshToken, String csrfToken) {
        if (!OpaqueTokens.plausible(refreshToken)) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<Object> rows = em.createNativeQuery(
                        "select coalesce(s.csrf_hash, '') from refresh_tokens t join sessions s on s.id = t.session_id"
                                + " where t.token_hash = ?1")
                .setParameter(1, OpaqueTokens.hash(refreshToken))
                .getResultList();
        if (rows.isEmpty()) {
            return;
        }
        byte[] expected = ((String) rows.get(0)).getBytes(StandardCharsets.US_ASCII);
        byte[] given = OpaqueTokens.hash(csrfToken == null ? "" : csrfToken).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            throw ApplicationException.forbidden("The CSRF token does not belong to this session.");
        }
    }

    /** Revokes every live session of the user but {@code kept} (may be null); returns those revoked. */
    List<UUID> revokeAllOf(UUID userId, UUID kept, Instant now, String reason) {
        @SuppressWarnings("unchecked")
        List<Object> ids = em.createNativeQuery("update sessions set revoked_at = ?1, revoked_reason = ?2"
                        + " where user_id = ?3 and revoked_at is null and id <> ?4 returning id")
                .setParameter(1, now)
                .setParameter(2, reason)
                .setParameter(3, userId)
                .setParameter(4, kept == null ? new UUID(0, 0) : kept)
                .getResultList();
        return ids.stream().map(UUID.class::cast).toList();
    }

    /** Revokes the live sessions the passkey started but {@code kept} (may be null); returns those revoked. */
    List<UUID> revokeStartedBy(UUID passkeyId, UUID kept, Instant now, String reason) {
        @SuppressWarnings("unchecked")
        List<Object> ids = em.createNativeQuery("update sessions set revoked_at = ?1, revoked_reason = ?2"
                        + " where passkey_id = ?3 and revoked_at is null and id <> ?4 returning id")
                .setParameter(1, now)
                .setParameter(2, reason)
                .setParameter(3, passkeyId)
                .setParameter(4, kept == null ? new UUID(0, 0) : kept)
                .getResultList();
        return ids.stream().map(UUID.class::cast).toList();
    }

    /** Revokes these sessions, those not revoked yet. */
    void revoke(List<UUID> ids, Instant now, String reason) {
        em.createNativeQuery("update sessions set revoked_at = ?1, revoked_reason = ?2"
                        + " where id in (?3) and revoked_at is null")
                .setParameter(1, now)
                .setParameter(2, reason)
                .setParameter(3, ids)
                .executeUpdate();
    }

    /** The session, if it belongs to the user. */
    public Session ofUser(UUID userId, UUID sessionId) {
        Session session = em.find(Session.class, sessionId);
        return session == null || !session.userId().equals(userId) ? null : session;
    }

    /** The user's active sessions. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Page<Session> active(UUID userId, PageRequest page) {
        Instant now = clock.instant();
        String where = " from Session s where s.userId = :user and s.revokedAt is null and s.expiresAt > :now"
                + " and s.lastUsedAt > :idleSince";
        Map<String, Object> params = Map.of("user", userId, "now", now, "idleSince", now.minus(settings.idleTtl()));
        var count = em.createQuery("select count(s)" + where, Long.class);
        var query = em.createQuery("select s" + where + page.orderBy("s", "id"), Session.class);
        params.forEach((k, v) -> {
            count.setParameter(k, v);
            query.setParameter(k, v);
        });
        List<Session> items =
                query.setFirstResult(page.offset()).setMaxResults(page.size()).getResultList();
        return Page.of(items, page, count.getSingleResult());
    }

    /**
     * In the changing transaction: a session that just proved the factor (an enrollment confirmed
     * from it) carries it from its next refresh on.
     */
    void onMfaChanged(@Observes @Priority(100) MfaChanged change) {
        if ("enabled".equals(change.change()) && change.sessionId() != null) {
            em.createNativeQuery("update sessions set mfa = true where id = ?1 and user_id = ?2")
                    .setParameter(1, change.sessionId())
                    .setParameter(2, change.userId())
                    .executeUpdate();
        }
    }

    /** The user's factors were removed: no sign-in waits for one any more. */
    void onFactorsRemoved(@Observes @Priority(100) SecondFactorRemoved removed) {
        challenges.deleteAll(removed.userId());
    }

    /** The user of each of these sessions (those that still exist), in the caller's transaction. */
    public java.util.Map<UUID, UUID> owners(java.util.Collection<UUID> sessionIds) {
        java.util.Map<UUID, UUID> owners = new java.util.LinkedHashMap<>();
        if (sessionIds.isEmpty()) {
            return owners;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select id, user_id from sessions where id in (?1)")
                .setParameter(1, List.copyOf(sessionIds))
                .getResultList();
        rows.forEach(r -> owners.put((UUID) r[0], (UUID) r[1]));
        return owners;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Duration idleTtl() {
        return settings.idleTtl();
    }

    /** The time left until a session touched {@code now} ends: an idle lifetime, or its absolute expiry. */
    static long refreshExpiresIn(Rotated rotated, Instant now, Duration idleTtl) {
        return secondsUntil(Session.endsAt(now, rotated.expiresAt(), idleTtl), now);
    }

    private String issueToken(UUID sessionId, Instant now) {
        String token = OpaqueTokens.generate();
        em.createNativeQuery("insert into refresh_tokens (token_hash, session_id, issued_at) values (?1, ?2, ?3)")
                .setParameter(1, OpaqueTokens.hash(token))
                .setParameter(2, sessionId)
                .setParameter(3, now)
                .executeUpdate();
        return token;
    }

    private static long secondsUntil(Instant end, Instant now) {
        return Math.max(0, Duration.between(now, end).toSeconds());
    }
}
