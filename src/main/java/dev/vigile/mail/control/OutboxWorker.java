package dev.vigile.mail.control;

import dev.vigile.mail.Mailer;
import dev.vigile.platform.lifecycle.Draining;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Drains the outbox: at once after a transaction that queued mail commits, and every poll
 * interval (for retries, and for mail queued on another instance). One drain at a time per
 * instance; instances share the work through row locks.
 */
@ApplicationScoped
public class OutboxWorker {
    private static final Logger LOG = Logger.getLogger(OutboxWorker.class.getName());

    @Inject
    OutboxSteps steps;

    @Inject
    SmtpTransport smtp;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "vigile.mail.poll-interval", defaultValue = "PT5S")
    Duration pollInterval;

    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean stopped;
    private ScheduledFuture<?> poller;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        long period = Math.max(200, pollInterval.toMillis());
        poller = scheduler.scheduleWithFixedDelay(this::drain, period, period, TimeUnit.MILLISECONDS);
    }

    /** A transaction queued mail and committed: send it now rather than at the next poll. */
    void onQueued(@Observes(during = TransactionPhase.AFTER_SUCCESS) Mailer.Queued queued) {
        if (!stopped) {
            again.set(true);
            scheduler.execute(this::drain);
        }
    }

    void onDraining(@Observes Draining draining) {
        stop();
    }

    @PreDestroy
    void stop() {
        stopped = true;
        if (poller != null) {
            poller.cancel(false);
        }
    }

    void drain() {
        if (stopped || !smtp.configured()) {
            return;
        }
        if (!draining.compareAndSet(false, true)) {
            // The running drain looks again before it ends.
            again.set(true);
            return;
        }
        try {
            do {
                again.set(false);
                while (!stopped && steps.sendNext()) {
                    // next due mail
                }
            } while (!stopped && again.get());
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "The outbox could not be drained: " + e.getClass().getSimpleName(),
                    e);
        } finally {
            draining.set(false);
        }
    }
}
