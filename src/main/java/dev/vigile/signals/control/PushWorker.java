package dev.vigile.signals.control;

import dev.vigile.common.Permissions;
import dev.vigile.identity.Directory;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.AccessTokenIssuer;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Push delivery (RFC 8935) and the outbox's retention. Every interval each member claims the
 * oldest due event of each push stream whose service account may still receive (enabled,
 * unexpired, holding {@code ssf:streams}), commits the claim (a lease: no lock is held while it
 * sends, and no other member takes it meanwhile), POSTs it, then records the outcome: a 2xx removes
 * it; a 4xx other than 408 and 429 says the receiver will never take it (RFC 8935 section 2.3), so
 * it is dropped and logged rather than blocking the stream; anything else, or no answer, retries
 * with back-off (1 s, doubling, at most 5 minutes). An unreachable receiver loses nothing until the
 * retention ({@code VIGILE_SSF_RETENTION}), which a sweep applies in batches every minute.
 */
@ApplicationScoped
public class PushWorker {
    private static final Logger LOG = Logger.getLogger(PushWorker.class.getName());
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    /** Longer than a send can take (3 s to connect, 5 s to answer), with margin. */
    static final Duration LEASE = Duration.ofSeconds(30);

    @Inject
    Streams streams;

    @Inject
    Outbox outbox;

    @Inject
    Directory directory;

    @Inject
    AccessTokenIssuer issuer;

    @Inject
    UnitOfWork work;

    @Inject
    Clock clock;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "vigile.ssf.push-interval", defaultValue = "PT1S")
    Duration interval;

    @Inject
    @ConfigProperty(name = "vigile.ssf.retention", defaultValue = "P7D")
    Duration retention;

    @Inject
    @ConfigProperty(name = "vigile.ssf.push-private-networks", defaultValue = "false")
    boolean privateNetworks;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile Instant lastSweep = Instant.EPOCH;
    private ScheduledFuture<?> poller;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        long period = Math.max(100, interval.toMillis());
        poller = scheduler.scheduleWithFixedDelay(this::deliver, period, period, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        stopped = true;
        if (poller != null) {
            poller.cancel(false);
        }
    }

    void deliver() {
        if (stopped || !running.compareAndSet(false, true)) {
            return;
        }
        try {
            sweep();
            while (!stopped && deliverSome()) {
                // more due
            }
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "Security events could not be pushed: " + e.getClass().getSimpleName(),
                    e);
        } finally {
            running.set(false);
        }
    }

    /** Drops events past the retention, a batch at a time, once a minute. */
    void sweep() {
        Instant now = clock.instant();
        if (now.isBefore(lastSweep.plusSeconds(60))) {
            return;
        }
        lastSweep = now;
        while (!stopped && work.call(() -> outbox.expire(now.minus(retention), 1000)) == 1000) {
            // more expired
        }
    }

    /** What became of one event. */
    enum Outcome {
        TAKEN,
        REFUSED,
        LATER
    }

    /** One round; true if it removed any event (its stream's next may be due at once). */
    boolean deliverSome() {
        Map<UUID, Streams.Stream> pushing = work.call(() -> streams.pushing()).stream()
                .filter(s -> directory.serviceAccountHolds(s.clientId(), Permissions.SSF_STREAMS))
                .collect(Collectors.toMap(Streams.Stream::id, s -> s));
        if (pushing.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        List<Outbox.Pending> due = work.call(() -> outbox.claimDue(pushing.keySet(), now, LEASE, 20));
        List<Outcome> outcomes = new ArrayList<>();
        for (Outbox.Pending p : due) {
            outcomes.add(send(pushing.get(p.streamId()), issuer.signSecurityEvent(p.claims())));
        }
        boolean removed = false;
        for (int i = 0; i < due.size(); i++) {
            Outbox.Pending p = due.get(i);
            Outcome outcome = outcomes.get(i);
            if (outcome == Outcome.LATER) {
                work.run(() -> outbox.retryAt(p.id(), clock.instant().plus(backoff(p.attempts()))));
            } else {
                if (outcome == Outcome.REFUSED) {
                    LOG.warning("A receiver refused security event " + p.jti() + " of stream " + p.streamId()
                            + "; it is dropped");
                }
                work.run(() -> outbox.delivered(p.id()));
                removed = true;
            }
        }
        return removed;
    }

    static Duration backoff(int attempts) {
        long seconds = 1L << Math.min(attempts, 16);
        return seconds > MAX_BACKOFF.toSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds);
    }

    private Outcome send(Streams.Stream stream, String set) {
        if (PushTargets.refusal(stream.endpointUrl(), privateNetworks) != null) {
            return Outcome.LATER;
        }
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stream.endpointUrl()))
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/secevent+jwt")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(set));
            if (stream.pushAuthorization() != null) {
                b.header("Authorization", stream.pushAuthorization());
            }
            int status =
                    http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 200 && status < 300) {
                return Outcome.TAKEN;
            }
            return status >= 400 && status < 500 && status != 408 && status != 429 ? Outcome.REFUSED : Outcome.LATER;
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Outcome.LATER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.LATER;
        }
    }
}
