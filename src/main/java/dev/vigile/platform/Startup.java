package dev.vigile.platform;

import dev.vigile.cluster.ClusterBus;
import dev.vigile.realtime.Connections;
import dev.vigile.security.control.LoginThrottle;
import dev.vigile.security.control.SigningKeyService;
import dev.vigile.users.control.AdminBootstrap;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Start-up work, run while the application deploys (before it serves requests): load the signing
 * keys, create the first admin if asked to; then look for new or rotated keys every minute, so
 * every member of a cluster publishes a new key well before any member signs with it.
 */
@ApplicationScoped
public class Startup {
  private static final Logger LOG = Logger.getLogger(Startup.class.getName());

  @Inject AdminBootstrap adminBootstrap;
  @Inject LoginThrottle throttle;
  @Inject ClusterBus bus;
  @Inject Connections connections;
  @Inject dev.vigile.platform.lifecycle.Drain drain;

  @Resource ManagedScheduledExecutorService scheduler;

  private ScheduledFuture<?> keyRefresh;

  @Inject
  @org.eclipse.microprofile.config.inject.ConfigProperty(name = "vigile.log.format", defaultValue = "plain")
  String logFormat;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
    dev.vigile.platform.observability.LogFormat.apply(logFormat);
    SigningKeyService.ensureLoaded();
    adminBootstrap.ensureFirstAdmin();
    // Subscribe to cluster events and start the WebSocket sweeper now, not at first use: an
    // instance must hear events raised elsewhere before any client connects to it.
    bus.members();
    connections.localCount();
    keyRefresh = scheduler.scheduleWithFixedDelay(this::refreshKeys, 1, 1, TimeUnit.MINUTES);
    drain.install();
    LOG.info("Vigile started");
  }

  private void refreshKeys() {
    try {
      SigningKeyService.refresh();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not refresh signing keys; keeping the current ones", e);
    }
    throttle.removeExpired();
  }

  @PreDestroy
  void stop() {
    if (keyRefresh != null) {
      keyRefresh.cancel(false);
    }
  }
}
