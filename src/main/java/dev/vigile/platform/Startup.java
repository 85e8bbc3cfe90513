package dev.vigile.platform;

import dev.vigile.platform.cluster.ClusterBus;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The platform's part of start-up, run while the application deploys: the log format first;
 * last, after every feature's own start-up observer (signing keys, audit chain, first admin,
 * WebSocket registry), the data grid subscription, graceful shutdown, and the line that says so.
 */
@ApplicationScoped
public class Startup {
    private static final Logger LOG = Logger.getLogger(Startup.class.getName());

    @Inject
    ClusterBus bus;

    @Inject
    dev.vigile.platform.lifecycle.Drain drain;

    @Inject
    @ConfigProperty(name = "vigile.log.format", defaultValue = "plain")
    String logFormat;

    void logging(
            @Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) @Initialized(ApplicationScoped.class)
                    Object started) {
        dev.vigile.platform.observability.LogFormat.apply(logFormat);
    }

    void started(
            @Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000) @Initialized(ApplicationScoped.class)
                    Object started) {
        // An instance must hear events raised elsewhere before any client connects to it.
        bus.members();
        drain.install();
        LOG.info("Vigile started");
    }
}
