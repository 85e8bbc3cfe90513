package dev.vigile.platform.lifecycle;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Graceful shutdown. Payara Micro answers SIGTERM by undeploying the application at once, and a
 * request still running then fails with 500. So Vigile takes SIGTERM (and SIGINT) itself: it
 * stops taking new work (new requests get 503 with {@code Retry-After} and {@code Connection:
 * close}, readiness goes DOWN, WebSocket clients are told to reconnect with 1012), waits for the
 * requests in flight to finish, up to {@code vigile.shutdown.timeout}, and only then lets the JVM
 * run Payara's own shutdown.
 */
@ApplicationScoped
public class Drain {
    private static final Logger LOG = Logger.getLogger(Drain.class.getName());

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean draining;

    @Inject
    jakarta.enterprise.event.Event<Draining> drainingStarted;

    @Inject
    @ConfigProperty(name = "vigile.shutdown.timeout", defaultValue = "PT30S")
    Duration timeout;

    private Signals.Installed signals;

    /** Called once the application has started. */
    public void install() {
        signals = Signals.onTerminate(this::drainThenExit);
    }

    public boolean draining() {
        return draining;
    }

    /** A request starts; false when draining (the caller answers 503 and does not count it). */
    boolean enter() {
        inFlight.incrementAndGet();
        if (draining) {
            leave();
            return false;
        }
        return true;
    }

    void leave() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /**
     * Stops taking work and waits for what is in flight. Returns the number of requests still
     * running when the timeout ran out (0 when everything finished).
     */
    int drain() {
        draining = true;
        drainingStarted.fire(new Draining());
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    idle.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return inFlight.get();
    }

    private void drainThenExit(int status) {
        try {
            LOG.info("Shutdown requested: draining " + inFlight.get() + " requests in flight");
            int left = drain();
            if (left > 0) {
                LOG.warning(left + " requests still running after " + timeout + "; stopping anyway");
            } else {
                LOG.info("Drained; stopping");
            }
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.WARNING, "Drain failed; stopping anyway", e);
        } finally {
            Runtime.getRuntime().exit(status);
        }
    }

    @PreDestroy
    void uninstall() {
        if (signals != null) {
            signals.restore();
        }
    }
}
