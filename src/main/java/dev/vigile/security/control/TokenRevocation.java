package dev.vigile.security.control;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.vigile.cluster.ClusterBus;
import dev.vigile.cluster.ClusterMessage;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonString;
import java.util.ArrayList;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Decides whether a signature-valid access token has been cut off: its user's "not before" time
 * (logout-all and later password change, disabling, role change), its session's revocation, or
 * its user's deletion or disabling. The database is the source of truth; this instance caches
 * answers and drops them after each committed change. The cache entries also expire, which bounds
 * how stale another instance can be; a cluster-wide store can replace the caches behind the same
 * methods.
 */
@ApplicationScoped
public class TokenRevocation {
  /** Bounds staleness between instances until the state is shared across the cluster. */
  static final Duration MAX_STALENESS = Duration.ofSeconds(15);

  /** Cluster event types: users cut off, sessions revoked. */
  public static final String USERS_CUT_OFF = "users-cut-off";

  public static final String SESSIONS_REVOKED = "sessions-revoked";

  @PersistenceContext EntityManager em;
  @Inject ClusterBus bus;

  private record UserState(boolean active, Instant cutoff) {}

  private LoadingCache<UUID, UserState> users;
  private LoadingCache<UUID, Boolean> revokedSessions;

  /** Fired after users' tokens are cut off, or users are disabled or deleted. */
  public record UserTokensCutOff(List<UUID> userIds) {
    public UserTokensCutOff(UUID userId) {
      this(List.of(userId));
    }
  }

  /** Fired after sessions are revoked. */
  public record SessionsRevoked(List<UUID> sessionIds) {}

  @PostConstruct
  void init() {
    users =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(MAX_STALENESS)
            .build(this::loadUser);
    revokedSessions =
        Caffeine.newBuilder()
            .maximumSize(200_000)
            .expireAfterWrite(MAX_STALENESS)
            .build(this::loadSessionRevoked);
  }

  /**
   * @param issuedAtMicros the token's issue time in microseconds ({@link TokenCutoffs#CLAIM})
   */
  public boolean refused(UUID userId, UUID sessionId, long issuedAtMicros) {
    UserState user = users.get(userId);
    if (!user.active() || TokenCutoffs.refused(issuedAtMicros, user.cutoff())) {
      return true;
    }
    return sessionId != null && revokedSessions.get(sessionId);
  }

  void onUserCutOff(@Observes(during = TransactionPhase.AFTER_SUCCESS) UserTokensCutOff event) {
    forgetUsers(event.userIds());
    JsonArrayBuilder ids = Json.createArrayBuilder();
    event.userIds().forEach(id -> ids.add(id.toString()));
    bus.publish(USERS_CUT_OFF, Json.createObjectBuilder().add("ids", ids).build());
  }

  void onSessionsRevoked(@Observes(during = TransactionPhase.AFTER_SUCCESS) SessionsRevoked event) {
    revokedSessions.invalidateAll(event.sessionIds());
    JsonArrayBuilder ids = Json.createArrayBuilder();
    event.sessionIds().forEach(id -> ids.add(id.toString()));
    bus.publish(SESSIONS_REVOKED, Json.createObjectBuilder().add("ids", ids).build());
  }

  /** Another instance (or this one) cut someone off: forget what this instance cached. */
  void onCluster(@Observes @Priority(100) ClusterMessage message) {
    if (!message.type().equals(USERS_CUT_OFF) && !message.type().equals(SESSIONS_REVOKED)) {
      return;
    }
    List<UUID> ids = new ArrayList<>();
    message.body().getJsonArray("ids").getValuesAs(JsonString.class).forEach(s -> ids.add(UUID.fromString(s.getString())));
    if (message.type().equals(USERS_CUT_OFF)) {
      forgetUsers(ids);
    } else {
      revokedSessions.invalidateAll(ids);
    }
  }

  private void forgetUsers(List<UUID> ids) {
    if (ids.size() > 1_000) {
      users.invalidateAll();
    } else {
      users.invalidateAll(ids);
    }
  }

  private UserState loadUser(UUID id) {
    List<Object[]> rows =
        em.createQuery("select u.enabled, u.tokensValidAfter from User u where u.id = :id", Object[].class)
            .setParameter("id", id)
            .getResultList();
    if (rows.isEmpty()) {
      return new UserState(false, null);
    }
    return new UserState((Boolean) rows.get(0)[0], (Instant) rows.get(0)[1]);
  }

  private Boolean loadSessionRevoked(UUID id) {
    List<Instant> rows =
        em.createQuery("select s.revokedAt from Session s where s.id = :id", Instant.class)
            .setParameter("id", id)
            .getResultList();
    // An unknown session (deleted with its user) is as good as revoked.
    return rows.isEmpty() || rows.get(0) != null;
  }
}
