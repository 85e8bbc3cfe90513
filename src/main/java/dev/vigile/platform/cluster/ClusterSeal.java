package dev.vigile.platform.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates what members say to each other over the data grid: an HMAC-SHA256 under the
 * cluster secret over a message's type, body, time, nonce and sender. A message is accepted once,
 * within {@link #MAX_SKEW} of its time; a replay (same nonce) or a stale one is refused like a
 * forged one. Values in grid maps carry an HMAC over the map, key and value.
 */
final class ClusterSeal {
    /** How far a message's time may be from this member's clock (members' clocks are NTP-close). */
    static final Duration MAX_SKEW = Duration.ofSeconds(30);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final Clock clock;
    private final Cache<String, Boolean> seen;

    ClusterSeal(String secret) {
        this(secret, Clock.systemUTC());
    }

    ClusterSeal(String secret, Clock clock) {
        this.key = new SecretKeySpec(("vigile-cluster-v1:" + secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.clock = clock;
        // A nonce is remembered as long as its message could still be accepted.
        this.seen = Caffeine.newBuilder()
                .expireAfterWrite(MAX_SKEW.multipliedBy(2))
                .maximumSize(500_000)
                .build();
    }

    /** What {@link #open} found. */
    sealed interface Opened {}

    record Accepted(String type, String body, String sender) implements Opened {}

    /** @param claimedSender the sender the message names (unauthenticated), or null */
    record Rejected(String reason, String claimedSender) implements Opened {}

    String seal(String type, String body, String sender) {
        long at = clock.millis();
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return Json.createObjectBuilder()
                .add("type", type)
                .add("body", body)
                .add("at", at)
                .add("nonce", nonce)
                .add("from", sender)
                .add("mac", mac("message", type, body, Long.toString(at), nonce, sender))
                .build()
                .toString();
    }

    Opened open(String text) {
        JsonObject m;
        try (var reader = Json.createReader(new StringReader(text))) {
            m = reader.readObject();
        } catch (RuntimeException e) {
            return new Rejected("malformed", null);
        }
        String sender = m.get("from") instanceof JsonString s ? s.getString() : null;
        if (!(m.get("type") instanceof JsonString type)
                || !(m.get("body") instanceof JsonString body)
                || !(m.get("at") instanceof JsonNumber at)
                || !at.isIntegral()
                || !(m.get("nonce") instanceof JsonString nonce)
                || sender == null
                || !(m.get("mac") instanceof JsonString mac)) {
            return new Rejected("malformed", sender);
        }
        String expected = mac(
                "message",
                type.getString(),
                body.getString(),
                Long.toString(at.longValue()),
                nonce.getString(),
                sender);
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), mac.getString().getBytes(StandardCharsets.US_ASCII))) {
            return new Rejected("bad-mac", sender);
        }
        if (Math.abs(clock.millis() - at.longValue()) > MAX_SKEW.toMillis()) {
            return new Rejected("stale", sender);
        }
        if (seen.asMap().putIfAbsent(nonce.getString(), Boolean.TRUE) != null) {
            return new Rejected("replay", sender);
        }
        return new Accepted(type.getString(), body.getString(), sender);
    }

    String sealValue(String map, String entryKey, long value) {
        return value + ":" + mac("value", map, entryKey, Long.toString(value));
    }

    /** The value, or null when its seal does not hold. */
    Long openValue(String map, String entryKey, String sealed) {
        int colon = sealed == null ? -1 : sealed.indexOf(':');
        if (colon < 1) {
            return null;
        }
        String value = sealed.substring(0, colon);
        String expected = mac("value", map, entryKey, value);
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                sealed.substring(colon + 1).getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** HMAC of the parts, each prefixed by its length so that no two splits of one text collide. */
    private String mac(String... parts) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key);
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                hmac.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                hmac.update(bytes);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
