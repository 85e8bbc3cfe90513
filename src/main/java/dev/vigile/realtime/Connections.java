package dev.vigile.realtime;

import dev.vigile.identity.Directory;
import dev.vigile.platform.cluster.ClusterBus;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The WebSocket connections open on this instance, and the protocol spoken on them. Pushes stored
 * notifications announced by any instance; closes connections whose token expires (4002), whose
 * user or session is cut off (4011) or that stop pinging (4012).
 */
@ApplicationScoped
public class Connections {
    private static final Logger LOG = Logger.getLogger(Connections.class.getName());
    /** The grid map of each member's connection count, values sealed by {@link ClusterBus}. */
    static final String COUNTS = "vigile.ws.connection-counts";

    @Inject
    Directory identity;

    @Inject
    ClusterBus bus;

    @Inject
    Clock clock;

    @Inject
    MetricRegistry metrics;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedExecutorService executor;

    @Inject
    @ConfigProperty(name = "vigile.ws.max-connections-per-user", defaultValue = "10")
    int maxPerUser;

    @Inject
    @ConfigProperty(name = "vigile.ws.queue-limit", defaultValue = "256")
    int queueLimit;

    @Inject
    @ConfigProperty(name = "vigile.ws.ping-timeout", defaultValue = "PT60S")
    Duration pingTimeout;

    @Inject
    @ConfigProperty(name = "vigile.ws.message-rate", defaultValue = "30/PT1S,300/PT1M")
    String messageRate;

    private List<io.github.bucket4j.Bandwidth> messageLimits;

    private final Map<UUID, Set<Connection>> byUser = new ConcurrentHashMap<>();
    /**
     * Connections each user holds or is opening here. A handshake reserves its slot atomically
     * before the upgrade and gives it back if the upgrade does not happen or when the connection
     * closes, so concurrent handshakes cannot pass the limit together.
     */
    private final Map<UUID, Integer> slots = new ConcurrentHashMap<>();
    /**
     * How often the sweep reads every connection's cut-off state from the database: a backstop
     * for cut-off events that did not arrive, well inside the caches' own staleness bound.
     */
    static final Duration CUT_OFF_SWEEP = Duration.ofSeconds(5);

    private ScheduledFuture<?> sweeper;
    private long lastCutOffSweep = System.nanoTime() - CUT_OFF_SWEEP.toNanos();
    private long reported = -1;
    private volatile boolean stopping;

    @PostConstruct
    void init() {
        messageLimits = dev.vigile.security.LoginThrottle.parse(messageRate);
        sweeper = scheduler.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        try {
            metrics.gauge("vigile.ws.connections", this, Connections::localCount);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "gauge not registered", e);
        }
    }

    /**
     * Shutdown: every client is told to reconnect (1012, service restart), to another instance or
     * to this one once it is back, and to {@code resume} what it missed.
     */
    @PreDestroy
    void stop() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        closeAllForRestart();
    }

    /** The instance drains before shutdown: every client is told to reconnect elsewhere. */
    void onDraining(@Observes dev.vigile.platform.lifecycle.Draining draining) {
        closeAllForRestart();
    }

    /** Registers for cluster events and starts the sweeper at start, not at the first client. */
    void onStart(@Observes @jakarta.enterprise.context.Initialized(ApplicationScoped.class) Object started) {
        localCount();
    }

    /** Closes every connection here with 1012 and takes this member out of the grid's counts. */
    public void closeAllForRestart() {
        stopping = true;
        List<Connection> all = new ArrayList<>();
        byUser.values().forEach(all::addAll);
        all.forEach(c -> c.closeInline(Protocol.SERVICE_RESTART, "server restarting; reconnect and resume"));
        try {
            bus.removeCount(COUNTS);
        } catch (RuntimeException ignored) {
            // shutting down
        }
    }

    /** Takes one of the user's connection slots here, if one is free: true when it was taken. */
    boolean reserve(UUID userId) {
        boolean[] taken = {false};
        slots.compute(userId, (k, held) -> {
            int n = held == null ? 0 : held;
            if (n >= maxPerUser) {
                return held;
            }
            taken[0] = true;
            return n + 1;
        });
        return taken[0];
    }

    /** Gives a slot back: the handshake failed, or the connection closed. */
    void release(UUID userId) {
        slots.computeIfPresent(userId, (k, held) -> held <= 1 ? null : held - 1);
    }

    /**
     * Connections by their WebSocket session's id, for {@link ControlFrameGuard}, which Tyrus
     * creates outside CDI and which knows a session only by its id.
     */
    private static final Map<String, Connection> BY_SESSION = new ConcurrentHashMap<>();

    static Connection bySession(String sessionId) {
        return BY_SESSION.get(sessionId);
    }

    Connection open(Session session, WsCaller caller) {
        Connection c = new Connection(session, caller, queueLimit, executor, this::countClose, messageLimits);
        BY_SESSION.put(session.getId(), c);
        byUser.computeIfAbsent(c.userId(), k -> ConcurrentHashMap.newKeySet()).add(c);
        c.send(Protocol.welcome(c.userId().toString(), c.id, expiresIn(c.expiresAt())));
        return c;
    }

    /** Counts the connections this server closed, by close code (metric vigile.ws.closed). */
    private void countClose(int code) {
        try {
            metrics.counter("vigile.ws.closed", new Tag("code", Integer.toString(code)))
                    .inc();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "metric not counted", e);
        }
    }

    void closed(Connection c) {
        BY_SESSION.remove(c.session.getId(), c);
        boolean[] removed = {false};
        byUser.computeIfPresent(c.userId(), (k, set) -> {
            removed[0] = set.remove(c);
            return set.isEmpty() ? null : set;
        });
        if (removed[0]) {
            release(c.userId());
        }
    }

    /** The user's connections here. */
    Set<Connection> of(UUID userId) {
        return byUser.getOrDefault(userId, Set.of());
    }

    /** Every connection here, with its user. */
    void forEach(java.util.function.BiConsumer<UUID, Connection> action) {
        byUser.forEach((user, set) -> set.forEach(c -> action.accept(user, c)));
    }

    int queueLimit() {
        return queueLimit;
    }

    /** Whether no connection is open here: a check that does not walk them. */
    boolean none() {
        return byUser.isEmpty();
    }

    /** Connections open on this instance. */
    public long localCount() {
        return byUser.values().stream().mapToLong(Set::size).sum();
    }

    /** Connections open on every instance of the cluster. */
    public long clusterCount() {
        try {
            report();
            Map<String, Long> counts = bus.verifiedCounts(COUNTS);
            return counts == null
                    ? localCount()
                    : counts.values().stream().mapToLong(Long::longValue).sum();
        } catch (RuntimeException e) {
            return localCount();
        }
    }

    long expiresIn(long expiresAt) {
        return Math.max(0, expiresAt - clock.instant().getEpochSecond());
    }

    /**
     * Every second: expiry and ping timeout; every {@link #CUT_OFF_SWEEP}, cut-offs whose event did
     * not arrive, read for all connections at once (a per-connection cache lookup kept each
     * connected user's entry reloaded every ten seconds: a thousand queries a second for 10,000
     * idle connections).
     */
    void sweep() {
        try {
            long now = clock.instant().getEpochSecond();
            long quietSince = System.currentTimeMillis() - pingTimeout.toMillis();
            List<Connection> all = new ArrayList<>();
            byUser.values().forEach(all::addAll);
            List<Connection> open = new ArrayList<>(all.size());
            for (Connection c : all) {
                if (!c.session.isOpen()) {
                    closed(c);
                } else if (c.expiresAt() <= now) {
                    c.close(Protocol.TOKEN_EXPIRED, "token expired");
                } else if (c.lastSeenMillis() < quietSince) {
                    c.close(Protocol.NO_PING, "no ping");
                } else {
                    open.add(c);
                }
            }
            long nowNanos = System.nanoTime();
            if (!open.isEmpty() && nowNanos - lastCutOffSweep >= CUT_OFF_SWEEP.toNanos()) {
                lastCutOffSweep = nowNanos;
                Set<CurrentCaller> refused =
                        identity.cutOffNow(open.stream().map(Connection::caller).toList());
                for (Connection c : open) {
                    if (refused.contains(c.caller())) {
                        c.close(Protocol.REAUTHENTICATE, "re-authenticate");
                    }
                }
            }
            report();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "WebSocket sweep failed", e);
        }
    }

    private synchronized void report() {
        if (stopping) {
            return;
        }
        long count = localCount();
        if (count != reported) {
            bus.reportCount(COUNTS, count);
            reported = count;
        }
    }
}
