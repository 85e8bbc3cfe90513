package dev.vigile.signals.control;

import dev.vigile.security.AccessTokenIssuer;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a receiver does with its stream (SSF 1.0 section 8): create, read, change and delete it,
 * read and set its status, ask for a verification event, remove and add subjects, and poll its
 * events (RFC 8936). Each method is one unit of work; the caller is the stream's service account.
 */
@ApplicationScoped
public class Transmitter {
    @Inject
    Streams streams;

    @Inject
    Outbox outbox;

    @Inject
    SignalRecorder recorder;

    @Inject
    AccessTokenIssuer issuer;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "vigile.ssf.push-private-networks", defaultValue = "false")
    boolean privateNetworks;

    /** A refusal a receiver can act on: an HTTP status and why. */
    public static final class Refusal extends RuntimeException {
        public final int status;

        public Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** What a receiver asks of its stream's configuration. */
    public record Requested(
            String method, String endpointUrl, String authorization, List<String> events, String description) {}

    /** One poll's answer: SETs by {@code jti}, and whether more wait. */
    public record Polled(Map<String, String> sets, boolean moreAvailable) {}

    @Transactional
    public Streams.Stream create(CurrentCaller caller, Requested requested) {
        Streams.Stream stream = stream(UUID.randomUUID(), caller, requested);
        if (!streams.insert(stream, clock.instant())) {
            throw new Refusal(409, "This service account already has a stream (one per service account).");
        }
        return streams.find(stream.id()).orElseThrow();
    }

    @Transactional
    public Streams.Stream get(CurrentCaller caller, UUID streamId) {
        return own(caller, streamId, false);
    }

    @Transactional
    public List<Streams.Stream> list(CurrentCaller caller) {
        return streams.ofClient(caller.userId(), false).map(List::of).orElse(List.of());
    }

    @Transactional
    public Streams.Stream update(CurrentCaller caller, UUID streamId, Requested requested) {
        Streams.Stream current = own(caller, streamId, true);
        Requested merged = new Requested(
                requested.method() != null ? requested.method() : current.method(),
                requested.method() != null ? requested.endpointUrl() : current.endpointUrl(),
                requested.method() != null ? requested.authorization() : current.pushAuthorization(),
                requested.events() != null ? requested.events() : current.eventsRequested(),
                requested.description() != null ? requested.description() : current.description());
        streams.update(stream(current.id(), caller, merged), clock.instant());
        return streams.find(current.id()).orElseThrow();
    }

    @Transactional
    public void delete(CurrentCaller caller, UUID streamId) {
        streams.delete(own(caller, streamId, true).id());
    }

    @Transactional
    public void status(CurrentCaller caller, UUID streamId, String status) {
        if (!List.of("enabled", "paused", "disabled").contains(status)) {
            throw new Refusal(400, "status must be enabled, paused or disabled.");
        }
        UUID id = own(caller, streamId, true).id();
        streams.status(id, status, clock.instant());
        if ("disabled".equals(status)) {
            // Disabled: the transmitter keeps nothing for it (SSF 1.0 section 8.1.2).
            outbox.dropAll(id);
        }
    }

    /** Queues the verification event (SSF 1.0 section 8.1.4), with the receiver's {@code state}. */
    @Transactional
    public void verify(CurrentCaller caller, UUID streamId, String state) {
        Streams.Stream stream = own(caller, streamId, true);
        if (!"enabled".equals(stream.status())) {
            throw new Refusal(409, "The stream is not enabled.");
        }
        var event = Json.createObjectBuilder();
        if (state != null) {
            event.add("state", state);
        }
        JsonObject subject = Json.createObjectBuilder()
                .add("format", "opaque")
                .add("id", stream.id().toString())
                .build();
        recorder.write(stream, EventTypes.VERIFICATION, subject, event.build(), clock.instant());
    }

    /** Stops ({@code excluded}) or resumes events about a user; only {@code iss_sub} subjects of Vigile's users. */
    @Transactional
    public void subject(CurrentCaller caller, UUID streamId, UUID userId, boolean excluded) {
        streams.exclude(own(caller, streamId, true).id(), userId, excluded);
    }

    /**
     * RFC 8936: acknowledges what the receiver names, then returns up to {@code max} of the oldest
     * events left, signed now, in order. Events not acknowledged come again at the next poll.
     */
    @Transactional
    public Polled poll(CurrentCaller caller, List<UUID> acks, int max) {
        Streams.Stream stream = streams.ofClient(caller.userId(), false)
                .orElseThrow(() -> new Refusal(404, "This service account has no stream."));
        if (!EventTypes.POLL.equals(stream.method())) {
            throw new Refusal(400, "This stream is delivered by push.");
        }
        outbox.acknowledge(stream.id(), acks);
        Map<String, String> sets = new LinkedHashMap<>();
        if (max == 0 || "disabled".equals(stream.status()) || "paused".equals(stream.status())) {
            return new Polled(sets, false);
        }
        List<Outbox.Pending> pending = outbox.oldest(stream.id(), max + 1);
        for (Outbox.Pending p : pending.subList(0, Math.min(max, pending.size()))) {
            sets.put(p.jti().toString(), issuer.signSecurityEvent(p.claims()));
        }
        return new Polled(sets, pending.size() > max);
    }

    /** The caller's stream of this id: 404 for another's (nothing tells a stream exists). */
    private Streams.Stream own(CurrentCaller caller, UUID streamId, boolean lock) {
        Optional<Streams.Stream> stream = streams.ofClient(caller.userId(), lock);
        if (stream.isEmpty() || (streamId != null && !stream.get().id().equals(streamId))) {
            throw new Refusal(404, "No such stream.");
        }
        return stream.get();
    }

    private Streams.Stream stream(UUID id, CurrentCaller caller, Requested r) {
        String method = r.method() == null ? EventTypes.POLL : r.method();
        String endpoint = null;
        String authorization = null;
        if (EventTypes.PUSH.equals(method)) {
            endpoint = pushEndpoint(r.endpointUrl());
            authorization = r.authorization();
            if (authorization != null && (authorization.length() > 4096 || !authorization.matches("[\\x20-\\x7E]+"))) {
                throw new Refusal(400, "authorization_header must be printable ASCII, at most 4096 characters.");
            }
        } else if (!EventTypes.POLL.equals(method)) {
            throw new Refusal(400, "delivery.method must be " + EventTypes.POLL + " or " + EventTypes.PUSH + ".");
        }
        List<String> events = new ArrayList<>();
        for (String e : r.events() == null ? List.<String>of() : r.events()) {
            if (EventTypes.SUPPORTED.contains(e) && !events.contains(e)) {
                events.add(e);
            }
        }
        String description = r.description();
        if (description != null
                && (description.length() > 255 || description.chars().anyMatch(Character::isISOControl))) {
            throw new Refusal(400, "description must be at most 255 characters, without control characters.");
        }
        return new Streams.Stream(
                id,
                caller.userId(),
                caller.clientId(),
                method,
                endpoint,
                authorization,
                events,
                description,
                "enabled");
    }

    /** A push endpoint that {@link PushTargets} allows. */
    String pushEndpoint(String raw) {
        if (raw == null || raw.length() > 2048) {
            throw new Refusal(400, "delivery.endpoint_url is required for push, at most 2048 characters.");
        }
        String refusal = PushTargets.refusal(raw, privateNetworks);
        if (refusal != null) {
            throw new Refusal(400, refusal);
        }
        return raw;
    }
}
