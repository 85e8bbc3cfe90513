package dev.vigile.identity.sessions.control;

import dev.vigile.common.pagination.Page;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.ProblemTypes;
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
        byte[] key = RefreshTokens.newKey();
        RefreshTokens.Successor first = RefreshTokens.successor(session.id(), 0);
        session.holdRefresh(first.hash(), key);
        em.persist(session);
        em.flush();
        return new Started(session, first.sealedUnder(key), secondsUntil(session.endsAt(settings.idleTtl()), now));
    }

    /**
     * Rotates the presented token if it is current and its session alive, touches the session,
     * stores the hash of its successor and binds {@code csrfToken} when given; null when the token
     * is not current. One statement on the session's row, a heap-only update (no index covers what
     * it writes), read through JDBC: mapping the row to an entity made Hibernate resolve a
     * result-set mapping on every refresh, a tenth of its CPU. A token from before V24 is rotated
     * through {@code refresh_tokens} once, and its successor has the new form.
     *
     * @throws ApplicationException 401 when the token has the current secret but a tag its session
     *     did not make (nothing is rotated)
     */
    public Rotated rotate(String token, ClientInfo client, String csrfToken) {
        RefreshTokens.Presented presented = RefreshTokens.parse(token);
        if (presented == null && !OpaqueTokens.plausible(token)) {
            return null;
        }
        Instant now = clock.instant();
        String csrfHash = csrfToken == null ? null : OpaqueTokens.hash(csrfToken);
        return em.unwrap(org.hibernate.Session.class).doReturningWork(c -> {
            if (presented == null) {
                return rotateIssuedBeforeV24(c, OpaqueTokens.hash(token), now, client, csrfHash);
            }
            RefreshTokens.Successor next = RefreshTokens.successor(presented.sessionId(), presented.rotation() + 1);
            try (PreparedStatement ps = c.prepareStatement(ROTATE)) {
                ps.setString(1, next.hash());
                ps.setLong(2, next.rotation());
                int i = bindTouch(ps, 3, now, client, csrfHash);
                ps.setObject(i++, presented.sessionId());
                ps.setString(i++, presented.hash());
                i = bindAlive(ps, i, now);
                ps.setObject(i, utc(now));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    byte[] key = rs.getBytes(7);
                    if (!presented.issuedUnder(key)) {
                        // Whoever holds the secret changed the tag: not a token this session made.
                        // Thrown, so that the rotation above rolls back.
                        throw invalidRefreshToken();
                    }
                    return rotated(rs, next.sealedUnder(key));
                }
            }
        });
    }

    private Rotated rotateIssuedBeforeV24(
            java.sql.Connection c, String hash, Instant now, ClientInfo client, String csrfHash)
            throws java.sql.SQLException {
        UUID sessionId;
        // Its row locked first, then the session's (as earlier versions lock them: two instances
        // of different versions during an upgrade neither deadlock nor both rotate it).
        try (PreparedStatement ps = c.prepareStatement(
                "select session_id from refresh_tokens where token_hash = ? and rotated_at is null for update")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                sessionId = rs.getObject(1, UUID.class);
            }
        }
        RefreshTokens.Successor next = RefreshTokens.successor(sessionId, 1);
        try (PreparedStatement ps = c.prepareStatement(ROTATE_ISSUED_BEFORE_V24)) {
            ps.setString(1, next.hash());
            ps.setLong(2, next.rotation());
            ps.setBytes(3, RefreshTokens.newKey());
            int i = bindTouch(ps, 4, now, client, csrfHash);
            ps.setString(i++, hash);
            i = bindAlive(ps, i, now);
            ps.setObject(i++, utc(now));
            ps.setObject(i++, utc(now));
            ps.setString(i, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rotated(rs, next.sealedUnder(rs.getBytes(7))) : null;
            }
        }
    }

    /** Binds {@link #TOUCH}'s eight parameters from {@code i}; returns the next index. */
    private int bindTouch(PreparedStatement ps, int i, Instant now, ClientInfo client, String csrfHash)
            throws java.sql.SQLException {
        ps.setObject(i++, utc(now));
        ps.setString(i++, client.ip());
        ps.setString(i++, client.userAgent());
        ps.setString(i++, csrfHash);
        ps.setObject(i++, utc(now.minus(settings.refreshAuditInterval())));
        ps.setString(i++, client.ip());
        ps.setString(i++, client.userAgent());
        ps.setObject(i++, utc(now));
        return i;
    }

    /** Binds {@link #ALIVE}'s two parameters from {@code i}; returns the next index. */
    private int bindAlive(PreparedStatement ps, int i, Instant now) throws java.sql.SQLException {
        ps.setObject(i++, utc(now));
        ps.setObject(i++, utc(now.minus(settings.idleTtl())));
        return i;
    }

    private static Rotated rotated(ResultSet rs, String refreshToken) throws java.sql.SQLException {
        return new Rotated(
                rs.getObject(1, UUID.class),
                rs.getObject(2, UUID.class),
                rs.getObject(3, OffsetDateTime.class).toInstant(),
                rs.getBoolean(4),
                rs.getString(5),
                refreshToken,
                rs.getBoolean(6));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** The answer to a refresh token that is unknown, expired, revoked or not ours. */
    static ApplicationException invalidRefreshToken() {
        return ApplicationException.unauthorized(
                ProblemTypes.INVALID_REFRESH_TOKEN,
                "Invalid refresh token",
                "The refresh token is unknown, expired or revoked.");
    }

    /** The session is alive: not revoked, before its absolute expiry, used within its idle lifetime. */
    private static final String ALIVE = "s.revoked_at is null and s.expires_at > ? and s.last_used_at > ?";

    /**
     * The touch of a rotation. In SET, s.ip and s.user_agent are still the last use's: a change of
     * either is audited.
     */
    private static final String TOUCH = "last_used_at = ?, ip = ?, user_agent = ?,"
            + " csrf_hash = coalesce(?, s.csrf_hash),"
            + " refresh_audited_at = case when s.refresh_audited_at is null or s.refresh_audited_at <= ?"
            + " or s.ip is distinct from ? or s.user_agent is distinct from ? then ? else s.refresh_audited_at end";

    private static final String RETURNING =
            " returning s.id, s.user_id, s.expires_at, s.mfa, s.amr, s.refresh_audited_at = ? audited, s.refresh_key";

    private static final String ROTATE = "update sessions s set refresh_hash = ?, refresh_rotation = ?, " + TOUCH
            + " where s.id = ? and s.refresh_hash = ? and " + ALIVE + RETURNING;

    /**
     * The session's row first, and the token marked rotated only if that row was updated. The
     * session must still have no token of the new form ({@code refresh_hash is null}): that, and
     * {@link #ALIVE}, are checked again on the row's latest version when a concurrent rotation or
     * revocation held it, so a racing refresh or a revocation that committed first wins, and the
     * loser marks nothing rotated (a token marked by a refresh that lost to a sign-out was later
     * reported as reuse of a session already signed out).
     */
    private static final String ROTATE_ISSUED_BEFORE_V24 = "with rotated as (update sessions s set refresh_hash = ?,"
            + " refresh_rotation = ?, refresh_key = coalesce(s.refresh_key, ?), " + TOUCH
            + " from refresh_tokens t where t.token_hash = ? and t.rotated_at is null and s.id = t.session_id"
            + " and s.refresh_hash is null and " + ALIVE + RETURNING + "),"
            + " marked as (update refresh_tokens t set rotated_at = ? from rotated r"
            + " where t.token_hash = ? and t.session_id = r.id)"
            + " select * from rotated";

    /** The session a refresh token belongs to, whether rotated or revoked; null when unknown. */
    public Family familyOf(String token) {
        RefreshTokens.Presented presented = RefreshTokens.parse(token);
        if (presented == null && !OpaqueTokens.plausible(token)) {
            return null;
        }
        return em.unwrap(org.hibernate.Session.class).doReturningWork(c -> {
            if (presented == null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "select s.id, s.user_id, t.rotated_at is not null, s.revoked_at is not null"
                                + " from refresh_tokens t join sessions s on s.id = t.session_id where t.token_hash = ?")) {
                    ps.setString(1, OpaqueTokens.hash(token));
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next()
                                ? new Family(
                                        rs.getObject(1, UUID.class),
                                        rs.getObject(2, UUID.class),
                                        rs.getBoolean(3),
                                        rs.getBoolean(4))
                                : null;
                    }
                }
            }
            // Rotated: issued by the session (its tag holds) and behind its rotation. A token ahead
            // of it (a rotation the database lost) is not a replay.
            try (PreparedStatement ps = c.prepareStatement("select user_id, refresh_key,"
                    + " coalesce(refresh_rotation > ?, false), revoked_at is not null from sessions where id = ?")) {
                ps.setLong(1, presented.rotation());
                ps.setObject(2, presented.sessionId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !presented.issuedUnder(rs.getBytes(2))) {
                        return null;
                    }
                    return new Family(
                            presented.sessionId(), rs.getObject(1, UUID.class), rs.getBoolean(3), rs.getBoolean(4));
                }
            }
        });
    }

    /**
     * 403 unless {@code csrfToken} is the one bound to the session of this refresh token; nothing
     * when the refresh token is unknown (the refresh or sign-out then answers for itself).
     */
    public void requireCsrf(String refreshToken, String csrfToken) {
        RefreshTokens.Presented presented = RefreshTokens.parse(refreshToken);
        if (presented == null && !OpaqueTokens.plausible(refreshToken)) {
            return;
        }
        String bound = em.unwrap(org.hibernate.Session.class).doReturningWork(c -> {
            String sql = presented == null
                    ? "select coalesce(s.csrf_hash, ''), null from refresh_tokens t join sessions s on s.id = t.session_id"
                            + " where t.token_hash = ?"
                    : "select coalesce(csrf_hash, ''), refresh_key from sessions where id = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (presented == null) {
                    ps.setString(1, OpaqueTokens.hash(refreshToken));
                } else {
                    ps.setObject(1, presented.sessionId());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || (presented != null && !presented.issuedUnder(rs.getBytes(2)))) {
                        return null;
                    }
                    return rs.getString(1);
                }
            }
        });
        if (bound == null) {
            return;
        }
        byte[] expected = bound.getBytes(StandardCharsets.US_ASCII);
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

    private static long secondsUntil(Instant end, Instant now) {
        return Math.max(0, Duration.between(now, end).toSeconds());
    }
}
