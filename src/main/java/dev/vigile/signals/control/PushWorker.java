package dev.vigile.signals.control;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Push delivery (RFC 8935): every interval, each member takes the oldest due event of each push
 * stream, locked ({@code skip locked}) so that no two members send the same event, and POSTs it.
 * A 202 (or any 2xx) removes it; anything else, or no answer, keeps it and retries with back-off
 * (1 s, doubling, at most 5 minutes), so an unreachable receiver loses nothing until the
 * retention. A stream's events go one at a time, in order.
 */
@ApplicationScoped
public class PushWorker {
    private static final Logger LOG = Logger.getLogger(PushWorker.class.getName());
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    @Inject
    Streams streams;

    @Inject
    Outbox outbox;

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

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopped;
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

    /** One round in one transaction (the rows stay locked while they are sent); true if it delivered any. */
    boolean deliverSome() {
        return work.call(() -> {
            boolean delivered = false;
            Map<java.util.UUID, Streams.Stream> pushing =
                    streams.pushing().stream().collect(Collectors.toMap(Streams.Stream::id, s -> s));
            List<Outbox.Pending> due = outbox.duePush(pushing.keySet(), clock.instant(), 20);
            for (Outbox.Pending p : due) {
                Streams.Stream s = pushing.get(p.streamId());
                if (send(s, issuer.signSecurityEvent(p.claims()))) {
                    outbox.delivered(p.id());
                    delivered = true;
                } else {
                    outbox.retryAt(p.id(), clock.instant().plus(backoff(p.attempts())));
                }
            }
            return delivered;
        });
    }

    static Duration backoff(int attempts) {
        long seconds = 1L << Math.min(attempts, 16);
        return seconds > MAX_BACKOFF.toSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds);
    }

    private boolean send(Streams.Stream stream, String set) {
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
            return status >= 200 && status < 300;
        } catch (java.io.IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
