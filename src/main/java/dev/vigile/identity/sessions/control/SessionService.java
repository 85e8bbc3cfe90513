package dev.vigile.identity.sessions.control;

import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.security.OpaqueTokens;
import dev.vigile.security.OpaqueTokens;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.identity.sessions.entity.Session;
import dev.vigile.common.pagination.Page;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.events.RefreshTokenReused;
import dev.vigile.identity.events.SessionRevoked;
import dev.vigile.identity.events.SignedOutEverywhere;
import dev.vigile.security.CurrentCaller;
import dev.vigile.identity.accounts.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sessions and their refresh-token families (RFC 9700 section 4.14). Each refresh rotates the
 * token with one conditional UPDATE, so of N concurrent refreshes exactly one wins; presenting a
 * token that was already rotated revokes its whole family.
 */
@ApplicationScoped
@Transactional
public class SessionService {
  @PersistenceContext EntityManager em;
  @Inject Clock clock;
  @Inject UserRepository users;
  @Inject CutOffs cutOffs;
  @Inject AuditLog audit;
  @Inject jakarta.enterprise.event.Event<Object> events;

  @Inject
  @ConfigProperty(name = "vigile.refresh.idle-ttl", defaultValue = "P7D")
  Duration idleTtl;

  @Inject
  @ConfigProperty(name = "vigile.refresh.absolute-ttl", defaultValue = "P30D")
  Duration absoluteTtl;

  /** A session with its first refresh token (shown once, never stored). */
  public record Started(Session session, String refreshToken, long refreshExpiresIn) {}

  /** The outcome of a refresh. */
  public sealed interface Refreshed {}

  /** Rotation succeeded. */
  public record Rotated(User user, UUID sessionId, boolean mfa, String refreshToken, long refreshExpiresIn)
      implements Refreshed {}

  /** Unknown, expired or revoked token. */
  public record Invalid() implements Refreshed {}

  /** A rotated token came back: the family is now revoked. */
  public record Reused(UUID userId, UUID sessionId) implements Refreshed {}

  public Started start(UUID userId, ClientInfo client) {
    return start(userId, client, false);
  }

  /** @param mfa whether the sign-in passed a second factor */
  public Started start(UUID userId, ClientInfo client, boolean mfa) {
    Instant now = clock.instant();
    Session session = new Session(UUID.randomUUID(), userId, now, absoluteTtl, client.ip(), client.userAgent(), mfa);
    em.persist(session);
    em.flush();
    String token = issueToken(session.id(), now);
    return new Started(session, token, refreshExpiresIn(session, now));
  }

  public Refreshed refresh(String token, ClientInfo client) {
    if (!OpaqueTokens.plausible(token)) {
      return new Invalid();
    }
    String hash = OpaqueTokens.hash(token);
    Instant now = clock.instant();
    String next = OpaqueTokens.generate();
    // One round trip: rotate the presented token (only if it is current and its session alive),
    // touch the session, store its successor, and return what the new tokens need of it. Read
    // through JDBC: mapping the row to an entity made Hibernate resolve a result-set mapping on
    // every refresh, a tenth of its CPU.
    RotatedSession rotated =
        em.unwrap(org.hibernate.Session.class)
            .doReturningWork(
                c -> {
                  try (PreparedStatement ps = c.prepareStatement(ROTATE)) {
                    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
                    ps.setObject(1, at);
                    ps.setString(2, hash);
                    ps.setObject(3, at);
                    ps.setObject(4, now.minus(idleTtl).atOffset(ZoneOffset.UTC));
                    ps.setObject(5, at);
                    ps.setString(6, client.ip());
                    ps.setString(7, client.userAgent());
                    ps.setString(8, OpaqueTokens.hash(next));
                    ps.setObject(9, at);
                    try (ResultSet rs = ps.executeQuery()) {
                      if (!rs.next()) {
                        return null;
                      }
                      return new RotatedSession(
                          rs.getObject(1, UUID.class),
                          rs.getObject(2, UUID.class),
                          rs.getObject(3, OffsetDateTime.class).toInstant(),
                          rs.getBoolean(4));
                    }
                  }
                });
    if (rotated == null) {
      return reuseOrInvalid(hash, now);
    }
    UUID sessionId = rotated.id();
    User user = users.findById(rotated.userId()).orElse(null);
    if (user == null || !user.enabled()) {
      cutOffs.revoke(List.of(sessionId), now, "disabled");
      return new Invalid();
    }
    audit.record(
        AuditEntry.success(AuditActions.AUTH_REFRESH)
            .actor(user.id(), user.email())
            .target("session", sessionId));
    // Touched just now: the session ends an idle lifetime from now, or at its absolute expiry.
    Instant ends = Session.endsAt(now, rotated.expiresAt(), idleTtl);
    return new Rotated(user, sessionId, rotated.mfa(), next, secondsUntil(ends, now));
  }

  private static final String ROTATE =
      "with rotated as (update refresh_tokens t set rotated_at = ? from sessions s"
          + " where t.token_hash = ? and t.rotated_at is null and s.id = t.session_id"
          + " and s.revoked_at is null and s.expires_at > ? and s.last_used_at > ?"
          + " returning t.session_id),"
          + " touched as (update sessions s set last_used_at = ?, ip = ?, user_agent = ?"
          + " from rotated r where s.id = r.session_id returning s.id, s.user_id, s.expires_at, s.mfa),"
          + " issued as (insert into refresh_tokens (token_hash, session_id, issued_at)"
          + " select ?, id, ? from touched)"
          + " select id, user_id, expires_at, mfa from touched";

  /** What a rotation reads back of its session. */
  private record RotatedSession(UUID id, UUID userId, Instant expiresAt, boolean mfa) {}

  private Refreshed reuseOrInvalid(String hash, Instant now) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select t.rotated_at, s.id, s.user_id from refresh_tokens t"
                    + " join sessions s on s.id = t.session_id where t.token_hash = ?1")
            .setParameter(1, hash)
            .getResultList();
    if (rows.isEmpty() || rows.get(0)[0] == null) {
      return new Invalid();
    }
    UUID sessionId = (UUID) rows.get(0)[1];
    UUID userId = (UUID) rows.get(0)[2];
    cutOffs.revoke(List.of(sessionId), now, "reuse");
    events.fire(new RefreshTokenReused(userId, sessionId));
    return new Reused(userId, sessionId);
  }

  /** Revokes the family of this refresh token, rotated or not. Unknown tokens are ignored. */
  public void logout(String token) {
    if (!OpaqueTokens.plausible(token)) {
      return;
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select t.session_id, u.id, u.email, s.revoked_at from refresh_tokens t"
                    + " join sessions s on s.id = t.session_id join users u on u.id = s.user_id"
                    + " where t.token_hash = ?1")
            .setParameter(1, OpaqueTokens.hash(token))
            .getResultList();
    if (rows.isEmpty() || rows.get(0)[3] != null) {
      return;
    }
    UUID sessionId = (UUID) rows.get(0)[0];
    cutOffs.revoke(List.of(sessionId), clock.instant(), "logout");
    audit.record(
        AuditEntry.success(AuditActions.AUTH_LOGOUT)
            .actor((UUID) rows.get(0)[1], (String) rows.get(0)[2])
            .target("session", sessionId));
  }

  /** {@code logout-all}: every session of the caller, and every access token. */
  public void logoutAll(CurrentCaller caller) {
    cutOffs.revokeAll(caller.userId(), "logout-all");
    events.fire(new SignedOutEverywhere(caller.userId()));
    audit.record(
        AuditEntry.success(AuditActions.AUTH_LOGOUT_ALL)
            .actor(caller.userId(), caller.email())
            .target("user", caller.userId()));
  }

  /**
   * Revokes one of the caller's own sessions.
   *
   * @return false when no such session belongs to the caller
   */
  public boolean revokeOwn(CurrentCaller caller, UUID sessionId) {
    Session session = em.find(Session.class, sessionId);
    if (session == null || !session.userId().equals(caller.userId())) {
      return false;
    }
    cutOffs.revoke(List.of(sessionId), clock.instant(), "revoked");
    events.fire(new SessionRevoked(caller.userId(), sessionId));
    audit.record(
        AuditEntry.success(AuditActions.AUTH_SESSION_REVOKED)
            .actor(caller.userId(), caller.email())
            .target("session", sessionId));
    return true;
  }

  /** Binds a browser's CSRF token to its session: only its hash is kept. */
  public void bindCsrf(UUID sessionId, String csrfToken) {
    em.createNativeQuery("update sessions set csrf_hash = ?1 where id = ?2")
        .setParameter(1, OpaqueTokens.hash(csrfToken))
        .setParameter(2, sessionId)
        .executeUpdate();
  }

  /**
   * Whether {@code csrfToken} is the one bound to the session of this refresh token; true when
   * the refresh token is unknown (the refresh or logout then answers for itself).
   */
  public boolean csrfBound(String refreshToken, String csrfToken) {
    if (!OpaqueTokens.plausible(refreshToken)) {
      return true;
    }
    @SuppressWarnings("unchecked")
    List<Object> rows =
        em.createNativeQuery(
                "select coalesce(s.csrf_hash, '') from refresh_tokens t join sessions s on s.id = t.session_id"
                    + " where t.token_hash = ?1")
            .setParameter(1, OpaqueTokens.hash(refreshToken))
            .getResultList();
    if (rows.isEmpty()) {
      return true;
    }
    byte[] expected = ((String) rows.get(0)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] given = OpaqueTokens.hash(csrfToken).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return java.security.MessageDigest.isEqual(expected, given);
  }

  /** The user's active sessions. */
  public Page<Session> active(UUID userId, PageRequest page) {
    Instant now = clock.instant();
    String where =
        " from Session s where s.userId = :user and s.revokedAt is null and s.expiresAt > :now"
            + " and s.lastUsedAt > :idleSince";
    Map<String, Object> params = Map.of("user", userId, "now", now, "idleSince", now.minus(idleTtl));
    var count = em.createQuery("select count(s)" + where, Long.class);
    var query = em.createQuery("select s" + where + page.orderBy("s", "id"), Session.class);
    params.forEach(
        (k, v) -> {
          count.setParameter(k, v);
          query.setParameter(k, v);
        });
    List<Session> items = query.setFirstResult(page.offset()).setMaxResults(page.size()).getResultList();
    return Page.of(items, page, count.getSingleResult());
  }

  /** The session proved a second factor (an enrollment confirmed from it): its tokens say so. */
  public void markMfa(UUID sessionId) {
    em.createNativeQuery("update sessions set mfa = true where id = ?1").setParameter(1, sessionId).executeUpdate();
  }

  public Duration idleTtl() {
    return idleTtl;
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

  private long refreshExpiresIn(Session session, Instant now) {
    return secondsUntil(session.endsAt(idleTtl), now);
  }

  private static long secondsUntil(Instant end, Instant now) {
    return Math.max(0, Duration.between(now, end).toSeconds());
  }
}
