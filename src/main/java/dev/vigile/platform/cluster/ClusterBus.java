package dev.vigile.platform.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ContextService;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Carries events to every instance of the cluster through Payara's data grid (Hazelcast): a topic
 * of JSON strings, so that no application class crosses the grid. Delivery is at-most-once; the
 * database stays the source of truth. Each message arrives on every instance, the sender's
 * included, as a CDI {@link ClusterMessage}, on a managed thread. Without a data grid (a single
 * instance started with {@code --nocluster}), messages are delivered on this instance only.
 *
 * <p>The grid has no member authentication, so every message is authenticated here: an
 * HMAC-SHA256 under {@code VIGILE_CLUSTER_SECRET} over the type, body, time, a nonce and the
 * sender ({@link ClusterSeal}). A message with a wrong MAC, older or newer than {@link
 * ClusterSeal#MAX_SKEW}, or seen before is dropped, counted in {@code vigile_cluster_rejected_total}
 * and logged once per claimed sender. The connection counts kept in a grid map are sealed alike.
 * A member started to join a cluster without a secret refuses to start.
 */
@ApplicationScoped
public class ClusterBus {
    private static final Logger LOG = Logger.getLogger(ClusterBus.class.getName());
    static final String TOPIC = "vigile.events";

    @Resource
    ManagedExecutorService executor;

    /**
     * Captures the application's context (its naming context above all) on the thread that starts
     * the application, for deliveries that begin on a grid thread: a bean first created there would
     * otherwise find none, and its {@code @Resource} fields would stay null (issue 33, hole 9).
     */
    @Resource
    ContextService contexts;

    /** {@link #deliver}, run in the application's context whatever thread calls it. */
    private Consumer<String> delivery;

    private final java.util.concurrent.atomic.AtomicLong delivered = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
    /** Failures since the last event handled, and when the latest happened. */
    private final java.util.concurrent.atomic.AtomicInteger failingInARow =
            new java.util.concurrent.atomic.AtomicInteger();

    private volatile java.time.Instant lastFailure;

    /** Events failing in a row that make the delivery path "broken" (one failure may be a blip). */
    static final int BROKEN_AFTER = 3;

    /**
     * How long a broken path keeps the instance not ready after its latest failure: long enough to
     * be seen, and bounded, since every member fails alike and a cluster with no ready member gets
     * no traffic, and so no event that could show it recovered.
     */
    static final java.time.Duration BROKEN_FOR = java.time.Duration.ofSeconds(60);

    @Inject
    Event<ClusterMessage> events;

    @Inject
    org.eclipse.microprofile.metrics.MetricRegistry metrics;

    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "vigile.cluster.name")
    java.util.Optional<String> clusterName;

    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "vigile.cluster.secret")
    java.util.Optional<String> secret;

    private ClusterSeal seal;
    private final Set<String> loggedSources = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private HazelcastInstance grid;
    private ITopic<String> topic;
    private UUID listener;

    @PostConstruct
    void init() {
        boolean clustered = clusterName.filter(n -> !n.isBlank()).isPresent();
        String key = secret.filter(k -> !k.isBlank()).orElse(null);
        if (clustered && key == null) {
            throw new IllegalStateException(
                    "VIGILE_CLUSTER_SECRET is required with VIGILE_CLUSTER_NAME: the data grid does not"
                            + " authenticate its members, so every message between members is signed with it");
        }
        // Alone, messages never leave this JVM: a secret of its own is enough.
        seal = new ClusterSeal(key != null ? key : java.util.UUID.randomUUID().toString() + System.nanoTime());
        @SuppressWarnings("unchecked")
        Consumer<String> contextual = contexts.createContextualProxy((Consumer<String>) this::deliver, Consumer.class);
        delivery = contextual;
        try {
            Object found = new InitialContext().lookup("payara/Hazelcast");
            if (found instanceof HazelcastInstance hz
                    && hz.getLifecycleService().isRunning()) {
                grid = hz;
                topic = hz.getTopic(TOPIC);
                listener = topic.addMessageListener(m -> executor.execute(() -> delivery.accept(m.getMessageObject())));
                LOG.info("Cluster events travel through the data grid (" + members() + " member(s))");
            }
        } catch (NamingException | RuntimeException e) {
            LOG.info("No data grid; events stay on this instance ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    @PreDestroy
    void stop() {
        if (topic != null && listener != null) {
            try {
                topic.removeMessageListener(listener);
            } catch (RuntimeException ignored) {
                // shutting down
            }
        }
    }

    /** The seal messages are closed with (tests). */
    ClusterSeal seal() {
        return seal;
    }

    /** Sets the seal, as {@link #init} does from the configuration (tests). */
    void useSeal(ClusterSeal seal) {
        this.seal = seal;
    }

    /** Sends an event to every instance, this one included. */
    public void publish(ClusterEvent event) {
        String text = seal.seal(ClusterEvent.typeOf(event.getClass()), ClusterMessage.bodyOf(event), memberId());
        if (topic != null) {
            try {
                topic.publish(text);
                return;
            } catch (RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "Could not publish to the data grid; delivering on this instance only: {0}",
                        e.toString());
            }
        }
        executor.execute(() -> delivery.accept(text));
    }

    void deliver(String text) {
        ClusterSeal.Opened opened = seal.open(text);
        if (opened instanceof ClusterSeal.Rejected rejected) {
            reject(rejected);
            return;
        }
        ClusterSeal.Accepted message = (ClusterSeal.Accepted) opened;
        try (var reader = Json.createReader(new StringReader(message.body()))) {
            events.fire(new ClusterMessage(message.type(), reader.readObject()));
            delivered.incrementAndGet();
            failingInARow.set(0);
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            failingInARow.incrementAndGet();
            lastFailure = java.time.Instant.now();
            LOG.log(Level.WARNING, "Could not handle a cluster event", e);
        }
    }

    /**
     * How delivery goes: events handled and failed since start, and whether the path is broken:
     * the last {@link #BROKEN_AFTER} events or more all failed, the latest within {@link
     * #BROKEN_FOR} (then cut-offs and live notifications are not reaching this instance's clients).
     */
    public record DeliveryHealth(long delivered, long failed, boolean broken) {}

    public DeliveryHealth deliveryHealth() {
        java.time.Instant latest = lastFailure;
        boolean broken = failingInARow.get() >= BROKEN_AFTER
                && latest != null
                && latest.isAfter(java.time.Instant.now().minus(BROKEN_FOR));
        return new DeliveryHealth(delivered.get(), failed.get(), broken);
    }

    private void reject(ClusterSeal.Rejected rejected) {
        try {
            metrics.counter(
                            "vigile.cluster.rejected",
                            new org.eclipse.microprofile.metrics.Tag("reason", rejected.reason()))
                    .inc();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "metric not counted", e);
        }
        String source = rejected.claimedSender() == null ? "unknown" : rejected.claimedSender();
        if (loggedSources.size() < 1_000 && loggedSources.add(source)) {
            LOG.warning("Dropped a cluster message (" + rejected.reason() + ") claiming to come from member " + source
                    + "; further ones from it are only counted (vigile_cluster_rejected_total)");
        }
    }

    /** Whether this instance is connected to a running data grid. */
    public boolean gridRunning() {
        try {
            return grid != null && grid.getLifecycleService().isRunning();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Members of the cluster, this one included. */
    public int members() {
        try {
            return grid == null ? 1 : grid.getCluster().getMembers().size();
        } catch (RuntimeException e) {
            return 1;
        }
    }

    /** This member's id, stable while it runs. */
    public String memberId() {
        return grid == null
                ? "local"
                : grid.getCluster().getLocalMember().getUuid().toString();
    }

    /** The ids of the members now in the cluster. */
    public Set<String> memberIds() {
        if (grid == null) {
            return Set.of("local");
        }
        return grid.getCluster().getMembers().stream()
                .map(Member::getUuid)
                .map(UUID::toString)
                .collect(Collectors.toSet());
    }

    /** Puts this member's count in a shared map, sealed; without a grid, nothing. */
    public void reportCount(String map, long value) {
        if (grid != null) {
            IMap<String, String> counts = grid.getMap(map);
            counts.put(memberId(), seal.sealValue(map, memberId(), value));
        }
    }

    /** Takes this member's count out of a shared map. */
    public void removeCount(String map) {
        if (grid != null) {
            IMap<String, String> counts = grid.getMap(map);
            counts.remove(memberId());
        }
    }

    /**
     * The counts of the members now in the cluster, each checked against its seal (a value a
     * member without the secret wrote is left out and counted as rejected); null without a grid.
     */
    public java.util.Map<String, Long> verifiedCounts(String map) {
        if (grid == null) {
            return null;
        }
        IMap<String, String> counts = grid.getMap(map);
        Set<String> members = memberIds();
        java.util.Map<String, Long> verified = new java.util.HashMap<>();
        for (java.util.Map.Entry<String, String> e : counts.entrySet()) {
            if (!members.contains(e.getKey())) {
                continue;
            }
            Long value = seal.openValue(map, e.getKey(), e.getValue());
            if (value == null) {
                reject(new ClusterSeal.Rejected("bad-mac", e.getKey()));
            } else {
                verified.put(e.getKey(), value);
            }
        }
        return verified;
    }
}
