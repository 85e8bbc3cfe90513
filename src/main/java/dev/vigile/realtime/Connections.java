package dev.vigile.realtime;

import dev.vigile.identity.events.SessionsCutOff;
import dev.vigile.identity.events.TokensCutOff;
import dev.vigile.notifications.NotificationPosted;
import dev.vigile.platform.cluster.ClusterBus;
import dev.vigile.platform.cluster.ClusterMessage;
import dev.vigile.notifications.Notification;
import dev.vigile.notifications.Inbox;
import dev.vigile.security.AccessTokenVerifier;
import dev.vigile.security.CurrentCaller;
import dev.vigile.identity.Directory;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.Session;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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

  @Inject Inbox inbox;
  @Inject Directory identity;
  @Inject AccessTokenVerifier verifier;
  @Inject ClusterBus bus;
  @Inject Clock clock;
  @Inject MetricRegistry metrics;

  @Resource ManagedScheduledExecutorService scheduler;
  @Resource ManagedExecutorService executor;

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
  @ConfigProperty(name = "vigile.ws.resume-limit", defaultValue = "100")
  int resumeLimit;

  @Inject
  @ConfigProperty(name = "vigile.ws.message-rate", defaultValue = "30/PT1S,300/PT1M")
  String messageRate;

  private List<io.github.bucket4j.Bandwidth> messageLimits;

  /** What a resume takes from a connection's message budget (30/s, 300/min: 60 resumes a minute). */
  static final int RESUME_COST = 5;

  private final Map<UUID, Set<Connection>> byUser = new ConcurrentHashMap<>();
  /**
   * Connections each user holds or is opening here. A handshake reserves its slot atomically
   * before the upgrade and gives it back if the upgrade does not happen or when the connection
   * closes, so concurrent handshakes cannot pass the limit together.
   */
  private final Map<UUID, Integer> slots = new ConcurrentHashMap<>();
  private ScheduledFuture<?> sweeper;
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

  Connection open(Session session, WsCaller caller) {
    Connection c = new Connection(session, caller, queueLimit, executor, this::countClose, messageLimits);
    byUser.computeIfAbsent(c.userId(), k -> ConcurrentHashMap.newKeySet()).add(c);
    c.send(Protocol.welcome(c.userId().toString(), c.id, expiresIn(c.expiresAt())));
    return c;
  }

  /** Counts the connections this server closed, by close code (metric vigile.ws.closed). */
  private void countClose(int code) {
    try {
      metrics.counter("vigile.ws.closed", new Tag("code", Integer.toString(code))).inc();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "metric not counted", e);
    }
  }

  void closed(Connection c) {
    boolean[] removed = {false};
    byUser.computeIfPresent(c.userId(), (k, set) -> {
      removed[0] = set.remove(c);
      return set.isEmpty() ? null : set;
    });
    if (removed[0]) {
      release(c.userId());
    }
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
      return counts == null ? localCount() : counts.values().stream().mapToLong(Long::longValue).sum();
    } catch (RuntimeException e) {
      return localCount();
    }
  }

  private long expiresIn(long expiresAt) {
    return Math.max(0, expiresAt - clock.instant().getEpochSecond());
  }

  void onMessage(Connection c, String text) {
    c.touch();
    JsonObject m = parse(text);
    String type = m == null ? null : m.getString("type");
    // Every message, a malformed one too, takes from the connection's budget; a resume costs a
    // query and up to resume-limit frames, so it weighs as much as RESUME_COST messages.
    if (!c.admitMessage("resume".equals(type) ? RESUME_COST : 1)) {
      c.send(Protocol.error("rate_limited", "Too many messages on this connection."));
      c.close(Protocol.SLOW_CONSUMER, "too many messages");
      return;
    }
    if (m == null) {
      c.send(Protocol.error("bad_message", "A message is a JSON object with a type."));
      return;
    }
    switch (type) {
      case "ping" -> c.send(Protocol.pong());
      case "resume" -> resume(c, m);
      case "refresh" -> refresh(c, m);
      default -> c.send(Protocol.error("unknown_type", "Known types: ping, resume, refresh."));
    }
  }

  /** The message, if it is a JSON object with a string {@code type}; else null. */
  private static JsonObject parse(String text) {
    try (var reader = Json.createReader(new StringReader(text))) {
      JsonValue v = reader.readValue();
      return v instanceof JsonObject o && o.get("type") instanceof JsonString ? o : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void resume(Connection c, JsonObject m) {
    // Exactly: a number past 64 bits must not wrap to a small one and replay the inbox.
    if (!(m.get("after") instanceof JsonNumber n)
        || !n.isIntegral()
        || n.bigIntegerValue().signum() < 0
        || n.bigIntegerValue().bitLength() > 63) {
      c.send(Protocol.error("bad_message", "resume needs after: the last notification id received (0 for all), at most 2^63-1."));
      return;
    }
    int limit = Math.max(1, Math.min(resumeLimit, queueLimit / 2));
    List<Notification> missed = inbox.after(c.userId(), n.longValue(), limit + 1);
    for (int i = 0; i < Math.min(limit, missed.size()); i++) {
      c.send(Protocol.notification(missed.get(i)));
    }
    if (missed.size() > limit) {
      c.send(
          Protocol.error(
              "resume_truncated",
              "More notifications were missed than one resume replays: resume again after id "
                  + missed.get(limit - 1).id() + ", or read GET /api/notifications."));
    }
  }

  private void refresh(Connection c, JsonObject m) {
    if (!(m.get("accessToken") instanceof JsonString s)) {
      c.send(Protocol.error("bad_message", "refresh needs accessToken."));
      return;
    }
    AccessTokenVerifier.Result result = verifier.verify(s.getString());
    if (result instanceof AccessTokenVerifier.Expired) {
      c.close(Protocol.TOKEN_EXPIRED, "token expired");
    } else if (!(result instanceof AccessTokenVerifier.Valid valid)) {
      c.close(Protocol.INVALID_TOKEN, "invalid token");
    } else if (!valid.caller().userId().equals(c.userId())) {
      c.close(Protocol.FORBIDDEN, "token of another user");
    } else if (refused(valid.caller())) {
      c.close(Protocol.REAUTHENTICATE, "token revoked");
    } else {
      c.reauthenticate(new WsCaller(valid.caller(), valid.expiresAt()));
      c.send(Protocol.welcome(c.userId().toString(), c.id, expiresIn(valid.expiresAt())));
    }
  }

  private boolean refused(CurrentCaller caller) {
    return identity.cutOff(caller);
  }

  /** Events from any instance: stored notifications to push, cut-offs to enforce. */
  void onCluster(@Observes @Priority(200) ClusterMessage message) {
    message.as(NotificationPosted.class).ifPresent(e -> push(e.message()));
    message.as(TokensCutOff.class).ifPresent(e -> recheck(e.ids(), true));
    message.as(SessionsCutOff.class).ifPresent(e -> recheck(e.ids(), false));
  }

  private void push(long messageId) {
    Set<UUID> here = new HashSet<>(byUser.keySet());
    if (here.isEmpty()) {
      return;
    }
    for (Notification n : inbox.ofMessage(messageId, here)) {
      String frame = Protocol.notification(n);
      for (Connection c : byUser.getOrDefault(n.userId(), Set.of())) {
        c.send(frame);
      }
    }
  }

  /**
   * After a cut-off of these users or sessions (the revocation caches are already refreshed),
   * close the connections it concerns that it now refuses.
   */
  private void recheck(List<UUID> cutOff, boolean users) {
    Set<UUID> ids = new HashSet<>(cutOff);
    List<Connection> concerned = new ArrayList<>();
    byUser.forEach((user, set) -> set.forEach(c -> {
      UUID session = c.caller().sessionId();
      if (users ? ids.contains(user) : session != null && ids.contains(session)) {
        concerned.add(c);
      }
    }));
    for (Connection c : concerned) {
      if (refused(c.caller())) {
        c.close(Protocol.REAUTHENTICATE, "re-authenticate");
      }
    }
  }

  /** Every second: expiry, ping timeout, and cut-offs whose event did not arrive. */
  void sweep() {
    try {
      long now = clock.instant().getEpochSecond();
      long quietSince = System.currentTimeMillis() - pingTimeout.toMillis();
      List<Connection> all = new ArrayList<>();
      byUser.values().forEach(all::addAll);
      for (Connection c : all) {
        if (!c.session.isOpen()) {
          closed(c);
        } else if (c.expiresAt() <= now) {
          c.close(Protocol.TOKEN_EXPIRED, "token expired");
        } else if (c.lastSeenMillis() < quietSince) {
          c.close(Protocol.NO_PING, "no ping");
        } else if (refused(c.caller())) {
          c.close(Protocol.REAUTHENTICATE, "re-authenticate");
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
