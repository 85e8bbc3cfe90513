package dev.vigile.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Set;
import java.util.UUID;
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
 */
@ApplicationScoped
public class ClusterBus {
  private static final Logger LOG = Logger.getLogger(ClusterBus.class.getName());
  static final String TOPIC = "vigile.events";

  @Resource ManagedExecutorService executor;
  @Inject Event<ClusterMessage> events;

  private HazelcastInstance grid;
  private ITopic<String> topic;
  private UUID listener;

  @PostConstruct
  void init() {
    try {
      Object found = new InitialContext().lookup("payara/Hazelcast");
      if (found instanceof HazelcastInstance hz && hz.getLifecycleService().isRunning()) {
        grid = hz;
        topic = hz.getTopic(TOPIC);
        listener = topic.addMessageListener(m -> executor.execute(() -> deliver(m.getMessageObject())));
        LOG.info("Cluster events travel through the data grid (" + members() + " member(s))");
      }
    } catch (NamingException | RuntimeException e) {
      LOG.info("No data grid; events stay on this instance (" + e.getClass().getSimpleName() + ")");
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

  /** Sends an event to every instance, this one included. */
  public void publish(String type, JsonObject body) {
    String text = Json.createObjectBuilder().add("type", type).add("body", body).build().toString();
    if (topic != null) {
      try {
        topic.publish(text);
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Could not publish to the data grid; delivering on this instance only: {0}", e.toString());
      }
    }
    executor.execute(() -> deliver(text));
  }

  void deliver(String text) {
    try (var reader = Json.createReader(new StringReader(text))) {
      JsonObject message = reader.readObject();
      events.fire(new ClusterMessage(message.getString("type"), message.getJsonObject("body")));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not handle a cluster event", e);
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
    return grid == null ? "local" : grid.getCluster().getLocalMember().getUuid().toString();
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

  /** A map shared by the cluster (String keys and Long values only), or null without a grid. */
  public IMap<String, Long> counters(String name) {
    return grid == null ? null : grid.getMap(name);
  }
}
