package dev.vigile.platform.lifecycle;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Fires {@link SweepDue} every {@code VIGILE_SWEEP_INTERVAL} (5 minutes by default), so that no
 * table grows without bound: ended sessions, lapsed devices, challenges and links, sent mail.
 */
@ApplicationScoped
public class Sweeper {
    private static final Logger LOG = Logger.getLogger(Sweeper.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Event<SweepDue> due;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "vigile.sweep.interval", defaultValue = "PT5M")
    Duration interval;

    private ScheduledFuture<?> task;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        long millis = Math.max(1000, interval.toMillis());
        task = scheduler.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
    }

    void sweep() {
        try {
            due.fire(new SweepDue(clock.instant()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A sweep failed; the next one retries", e);
        }
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
