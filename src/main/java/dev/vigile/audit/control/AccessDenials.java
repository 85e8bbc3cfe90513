package dev.vigile.audit.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.AccessRefused;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Records {@code access.denied} when a signed-in caller is refused (403), aggregated so that a
 * caller cannot flood the log (nor make every audited write wait on the chain's lock): the first
 * denial of a caller on a route in a window is written at once, with its request's address and
 * id; the ones that follow in that window are counted, and one row says how many when the window
 * closes ({@code details.count}, {@code details.repeated}). Every row is hash-chained as any
 * other. Rows are written in a transaction of their own: by the time the error is mapped, the
 * request's transaction has rolled back. The counts of an open window live in this instance's
 * memory: a crash loses at most one window of repeats (never the first denial).
 */
@ApplicationScoped
public class AccessDenials {
    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "vigile.audit.denial-window", defaultValue = "PT1M")
    Duration window;

    private record Key(UUID userId, String route) {}

    /** The repeats of one window, counted after its first denial. */
    private static final class Window {
        final Instant opened;
        final String email;
        final String reason;
        long repeats;

        Window(Instant opened, String email, String reason) {
            this.opened = opened;
            this.email = email;
            this.reason = reason;
        }
    }

    private final Map<Key, Window> open = new ConcurrentHashMap<>();
    private ScheduledFuture<?> closer;

    @PostConstruct
    void init() {
        long period = Math.max(1, window.toMillis() / 4);
        closer = scheduler.scheduleWithFixedDelay(() -> closeWindows(false), period, period, TimeUnit.MILLISECONDS);
    }

    /** On undeploy, what was counted is written. */
    @PreDestroy
    void stop() {
        if (closer != null) {
            closer.cancel(false);
        }
        closeWindows(true);
    }

    /** A 403 about to be answered; after the security feature's look (a cut-off token is a 401). */
    void onRefused(@Observes @Priority(AccessRefused.RECORDED) AccessRefused refused) {
        if (refused.answer() == null) {
            denied(refused.security(), refused.request(), refused.route(), refused.reason());
        }
    }

    void denied(SecurityContext security, HttpServletRequest request, String route, String reason) {
        if (security == null || !(security.getUserPrincipal() instanceof JsonWebToken jwt)) {
            return;
        }
        CurrentCaller caller = CurrentCaller.of(jwt);
        if (caller == null) {
            return;
        }
        String endpoint = route != null && !route.equals("unmatched")
                ? route
                : request == null ? null : request.getMethod() + " " + request.getRequestURI();
        boolean[] first = {false};
        open.compute(new Key(caller.userId(), endpoint), (k, w) -> {
            if (w == null) {
                first[0] = true;
                return new Window(clock.instant(), caller.email(), reason);
            }
            w.repeats++;
            return w;
        });
        if (first[0]) {
            audit.recordAlone(AuditEntry.denied(AuditActions.ACCESS_DENIED)
                    .actor(caller.userId(), caller.email())
                    .target("endpoint", endpoint)
                    .detail("reason", reason)
                    .detail("count", 1));
        }
    }

    /** Writes one row for each window that has closed (all of them when {@code all}) with repeats. */
    void closeWindows(boolean all) {
        Instant closedBefore = clock.instant().minus(window);
        for (Key key : open.keySet()) {
            Window[] closed = {null};
            open.computeIfPresent(key, (k, w) -> {
                if (all || w.opened.isBefore(closedBefore)) {
                    closed[0] = w;
                    return null;
                }
                return w;
            });
            Window w = closed[0];
            if (w != null && w.repeats > 0) {
                audit.recordAlone(AuditEntry.denied(AuditActions.ACCESS_DENIED)
                        .actor(key.userId(), w.email)
                        .target("endpoint", key.route())
                        .detail("reason", w.reason)
                        .detail("count", w.repeats)
                        .detail("repeated", true)
                        .detail("windowStart", w.opened.toString()));
            }
        }
    }
}
