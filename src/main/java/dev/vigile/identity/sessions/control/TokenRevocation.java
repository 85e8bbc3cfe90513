package dev.vigile.identity.sessions.control;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.vigile.identity.events.SessionsEnded;
import dev.vigile.identity.events.SessionsEndedNotice;
import dev.vigile.identity.events.UserTokensCutOff;
import dev.vigile.identity.events.UserTokensCutOffNotice;
import dev.vigile.platform.cluster.ClusterBus;
import dev.vigile.platform.cluster.ClusterMessage;
import dev.vigile.platform.persistence.NativeValues;
import dev.vigile.security.CurrentCaller;
import dev.vigile.security.TokenCutoffs;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceUnit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * Decides whether a signature-valid access token has been cut off: its user's "not before" time
 * (logout-all, password reset, disabling, role change), its session's revocation, or
 * its user's deletion or disabling. The database is the source of truth; this instance caches
 * answers and drops them after each committed change. The cache entries also expire, which bounds
 * how stale another instance can be; a cluster-wide store can replace the caches behind the same
 * methods.
 */
@ApplicationScoped
public class TokenRevocation {
    /** Bounds staleness between instances until the state is shared across the cluster. */
    public static final Duration MAX_STALENESS = UserTokensCutOffNotice.MAX_STALENESS;

    /**
     * An entry read after this age is reloaded in the background while the current answer is
     * served, so that requests do not queue behind the reload of a busy user's entry. A reload
     * that an invalidation overtakes is discarded, never stored.
     */
    static final Duration REFRESH_AHEAD = Duration.ofSeconds(10);

    /** Loads run on request threads and on the executor: each opens an entity manager of its own. */
    @PersistenceUnit
    EntityManagerFactory emf;

    @Inject
    ClusterBus bus;

    @Resource
    ManagedExecutorService executor;

    @Inject
    dev.vigile.platform.observability.VigileMetrics metrics;

    /**
     * A user's, or a service account's, state as cut-offs read it.
     *
     * @param expiresAt when a service account expires (epoch milliseconds), else {@link Long#MAX_VALUE}
     */
    private record UserState(boolean active, long generation, long expiresAt) {
        /** What an unknown (deleted) user or client stands for: every token refused. */
        static final UserState UNKNOWN = new UserState(false, Long.MAX_VALUE, 0);

        UserState(boolean active, long generation) {
            this(active, generation, Long.MAX_VALUE);
        }

        /** Whether a token of this generation is refused for this user or client. */
        boolean refuses(long tokenGeneration, long now) {
            return !active || now >= expiresAt || TokenCutoffs.refused(tokenGeneration, generation);
        }
    }

    @Inject
    java.time.Clock clock;

    private LoadingCache<UUID, UserState> users;
    private LoadingCache<UUID, Boolean> revokedSessions;

    @PostConstruct
    void init() {
        users = cache(executor, Ticker.systemTicker(), 100_000, this::loadUser);
        revokedSessions = cache(executor, Ticker.systemTicker(), 200_000, this::loadSessionRevoked);
    }

    /** A revocation cache: answers at most {@link #MAX_STALENESS} old, refreshed ahead. */
    static <K, V> LoadingCache<K, V> cache(
            Executor executor, Ticker ticker, long maximumSize, CacheLoader<K, V> loader) {
        return Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterWrite(MAX_STALENESS)
                .refreshAfterWrite(REFRESH_AHEAD)
                .executor(executor)
                .ticker(ticker)
                .build(loader);
    }

    /**
     * @param generation the token's generation ({@link TokenCutoffs#CLAIM})
     */
    public boolean refused(UUID userId, UUID sessionId, long generation) {
        return users.get(userId).refuses(generation, clock.millis())
                || (sessionId != null && revokedSessions.get(sessionId));
    }

    /**
     * Whether this caller's verified token is cut off: a user's (as above) or a service account's
     * (disabled, expired, deleted, its roles or secrets changed), whose id keys the same cache.
     */
    public boolean refused(CurrentCaller caller) {
        return caller == null || refused(caller.userId(), caller.sessionId(), caller.generation());
    }

    /** How many ids one bulk read asks for at most. */
    static final int BULK = 1_000;

    /**
     * Which of these callers' tokens are cut off, read from the database now, in a few statements whatever
     * their number and without the caches. For sweeps over many holders (open WebSockets): asking
     * {@link #refused} for each would keep every holder's entry fresh in the cache, one reload per
     * holder every {@link #REFRESH_AHEAD}, even for holders that make no request at all.
     */
    public Set<CurrentCaller> refusedNow(Collection<CurrentCaller> callers) {
        if (callers.isEmpty()) {
            return Set.of();
        }
        List<UUID> userIds =
                callers.stream().map(CurrentCaller::userId).distinct().toList();
        List<UUID> sessionIds = callers.stream()
                .map(CurrentCaller::sessionId)
                .filter(Objects::nonNull)
                .distinct()
                .toList();
        Map<UUID, UserState> states = new HashMap<>();
        Set<UUID> liveSessions = new HashSet<>();
        EntityManager em = emf.createEntityManager();
        try {
            em.unwrap(org.hibernate.Session.class).doWork(c -> {
                eachRow(
                        c,
                        "select id, enabled, token_generation from users where id = any(?)",
                        userIds,
                        rs -> states.put(rs.getObject(1, UUID.class), new UserState(rs.getBoolean(2), rs.getLong(3))));
                eachRow(
                        c,
                        "select id from sessions where id = any(?) and revoked_at is null",
                        sessionIds,
                        rs -> liveSessions.add(rs.getObject(1, UUID.class)));
            });
        } finally {
            em.close();
        }
        Set<CurrentCaller> refused = new HashSet<>();
        for (CurrentCaller c : callers) {
            // The same rules as refused(): an unknown user or session (deleted) is cut off.
            if (states.getOrDefault(c.userId(), UserState.UNKNOWN).refuses(c.generation(), clock.millis())
                    || (c.sessionId() != null && !liveSessions.contains(c.sessionId()))) {
                refused.add(c);
            }
        }
        return refused;
    }

    /** One row of a result. */
    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    /** Runs {@code sql}, whose one parameter is an array of ids, for {@link #BULK} ids at a time. */
    private static void eachRow(Connection c, String sql, List<UUID> ids, Row row) throws SQLException {
        for (int i = 0; i < ids.size(); i += BULK) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(
                        1,
                        c.createArrayOf(
                                "uuid",
                                ids.subList(i, Math.min(ids.size(), i + BULK)).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        row.read(rs);
                    }
                }
            }
        }
    }

    void onUserCutOff(@Observes(during = TransactionPhase.AFTER_SUCCESS) UserTokensCutOff event) {
        forgetUsers(event.userIds());
        bus.publish(new UserTokensCutOffNotice(List.copyOf(event.userIds())));
    }

    void onSessionsRevoked(@Observes(during = TransactionPhase.AFTER_SUCCESS) SessionsEnded event) {
        revokedSessions.invalidateAll(event.sessionIds());
        bus.publish(new SessionsEndedNotice(List.copyOf(event.sessionIds())));
    }

    /** Another instance (or this one) cut someone off: forget what this instance cached. */
    void onCluster(@Observes @Priority(100) ClusterMessage message) {
        message.as(UserTokensCutOffNotice.class).ifPresent(e -> forgetUsers(e.ids()));
        message.as(SessionsEndedNotice.class).ifPresent(e -> revokedSessions.invalidateAll(e.ids()));
    }

    private void forgetUsers(List<UUID> ids) {
        if (ids.size() > 1_000) {
            users.invalidateAll();
        } else {
            users.invalidateAll(ids);
        }
    }

    private UserState loadUser(UUID id) {
        metrics.revocationLoaded("user");
        List<Object[]> rows;
        EntityManager em = emf.createEntityManager();
        try {
            rows = em.createQuery("select u.enabled, u.tokenGeneration from User u where u.id = :id", Object[].class)
                    .setParameter("id", id)
                    .getResultList();
        } finally {
            em.close();
        }
        if (rows.isEmpty()) {
            return loadClient(id);
        }
        return new UserState((Boolean) rows.get(0)[0], (Long) rows.get(0)[1]);
    }

    /** A service account's state: its ids never collide with users' (both random UUIDs). */
    private UserState loadClient(UUID id) {
        EntityManager em = emf.createEntityManager();
        try {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery(
                            "select enabled, token_generation, expires_at from service_clients where id = ?1")
                    .setParameter(1, id)
                    .getResultList();
            if (rows.isEmpty()) {
                return UserState.UNKNOWN;
            }
            Object[] row = rows.get(0);
            long expiresAt = row[2] == null
                    ? Long.MAX_VALUE
                    : NativeValues.instant(row[2]).toEpochMilli();
            return new UserState((Boolean) row[0], ((Number) row[1]).longValue(), expiresAt);
        } finally {
            em.close();
        }
    }

    private Boolean loadSessionRevoked(UUID id) {
        metrics.revocationLoaded("session");
        List<Instant> rows;
        EntityManager em = emf.createEntityManager();
        try {
            rows = em.createQuery("select s.revokedAt from Session s where s.id = :id", Instant.class)
                    .setParameter("id", id)
                    .getResultList();
        } finally {
            em.close();
        }
        // An unknown session (deleted with its user) is as good as revoked.
        return rows.isEmpty() || rows.get(0) != null;
    }
}
