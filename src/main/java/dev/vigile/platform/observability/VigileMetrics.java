package dev.vigile.platform.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Vigile's application metrics (MicroProfile Metrics, at {@code /metrics?scope=application} in
 * Prometheus format). A metric that cannot be recorded never fails the request.
 */
@ApplicationScoped
public class VigileMetrics {
    private static final Logger LOG = Logger.getLogger(VigileMetrics.class.getName());

    @Inject
    MetricRegistry registry;

    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public void loginSucceeded() {
        count("vigile.logins", new Tag("outcome", "succeeded"));
    }

    public void loginFailed() {
        count("vigile.logins", new Tag("outcome", "failed"));
    }

    public void throttled() {
        count("vigile.throttled");
    }

    public void refreshed() {
        count("vigile.refreshes");
    }

    /** A revocation answer read from the database into the cache ({@code user} or {@code session}). */
    public void revocationLoaded(String kind) {
        count("vigile.revocation.loads", new Tag("kind", kind));
    }

    public void refreshReused() {
        count("vigile.refresh.reuse");
    }

    /** A mail the outbox sent, will retry, or gave up ({@code sent}, {@code retried}, {@code failed}). */
    public void mail(String outcome) {
        count("vigile.mail", new Tag("outcome", outcome));
    }

    public void notificationsSent(int recipients) {
        count("vigile.notifications.sent");
        try {
            registry.counter("vigile.notifications.recipients").inc(recipients);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "metric not counted", e);
        }
    }

    /**
     * Time spent answering a REST request, by route and status class. The timers are kept: looking
     * one up in the registry by name and tags on every request cost more than updating it. Routes
     * are the API's templates and status classes five, so the map stays small.
     */
    public void request(String route, int status, Duration took) {
        try {
            String statusClass = (status / 100) + "xx";
            timers.computeIfAbsent(
                            route + ' ' + statusClass,
                            k -> registry.timer(
                                    "vigile.http.requests", new Tag("route", route), new Tag("status", statusClass)))
                    .update(took);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "metric not recorded", e);
        }
    }

    private void count(String name, Tag... tags) {
        try {
            registry.counter(name, tags).inc();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "metric not counted", e);
        }
    }
}
