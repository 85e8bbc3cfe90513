package dev.vigile.realtime;

import dev.vigile.identity.Directory;
import dev.vigile.notifications.Inbox;
import dev.vigile.notifications.Notification;
import dev.vigile.security.AccessTokenVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a client says on its socket ({@code vigile.v1}): ping, resume (replays the inbox after an
 * id), refresh (a new access token for the same user). Every message, a malformed one too, is
 * charged to the connection's budget first.
 */
@ApplicationScoped
public class ClientMessages {
    /** What a resume takes from a connection's message budget (30/s, 300/min: 60 resumes a minute). */
    static final int RESUME_COST = 5;

    @Inject
    Connections connections;

    @Inject
    Inbox inbox;

    @Inject
    Directory identity;

    @Inject
    AccessTokenVerifier verifier;

    @Inject
    @ConfigProperty(name = "vigile.ws.resume-limit", defaultValue = "100")
    int resumeLimit;

    void onMessage(Connection c, String text) {
        c.touch();
        JsonObject m = parse(text);
        String type = m == null ? null : m.getString("type");
        // Every message, a malformed one too, takes from the connection's budget; a resume costs a
        // query and up to resume-limit frames, so it weighs as much as RESUME_COST messages.
        if (!c.admitOrStop("resume".equals(type) ? RESUME_COST : 1)) {
            return;
        }
        if (m == null) {
            c.send(Protocol.error("bad_message", "A message is a JSON object with a type."));
            return;
        }
        switch (type) {
            case "ping" -> c.send(Protocol.pong());
            case "resume" -> resume(c, m);
            case "refresh" -> refresh(c, m);
            default -> c.send(Protocol.error("unknown_type", "Known types: ping, resume, refresh."));
        }
    }

    /** The message, if it is a JSON object with a string {@code type}; else null. */
    private static JsonObject parse(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            JsonValue v = reader.readValue();
            return v instanceof JsonObject o && o.get("type") instanceof JsonString ? o : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void resume(Connection c, JsonObject m) {
        // Exactly: a number past 64 bits must not wrap to a small one and replay the inbox.
        if (!(m.get("after") instanceof JsonNumber n)
                || !n.isIntegral()
                || n.bigIntegerValue().signum() < 0
                || n.bigIntegerValue().bitLength() > 63) {
            c.send(Protocol.error(
                    "bad_message",
                    "resume needs after: the last notification id received (0 for all), at most 2^63-1."));
            return;
        }
        int limit = Math.max(1, Math.min(resumeLimit, connections.queueLimit() / 2));
        List<Notification> missed = inbox.after(c.userId(), n.longValue(), limit + 1);
        for (int i = 0; i < Math.min(limit, missed.size()); i++) {
            c.send(Protocol.notification(missed.get(i)));
        }
        if (missed.size() > limit) {
            c.send(Protocol.error(
                    "resume_truncated",
                    "More notifications were missed than one resume replays: resume again after id "
                            + missed.get(limit - 1).id() + ", or read GET /api/notifications."));
        }
    }

    private void refresh(Connection c, JsonObject m) {
        if (!(m.get("accessToken") instanceof JsonString s)) {
            c.send(Protocol.error("bad_message", "refresh needs accessToken."));
            return;
        }
        AccessTokenVerifier.Result result = verifier.verify(s.getString());
        if (result instanceof AccessTokenVerifier.Expired) {
            c.close(Protocol.TOKEN_EXPIRED, "token expired");
        } else if (!(result instanceof AccessTokenVerifier.Valid valid)) {
            c.close(Protocol.INVALID_TOKEN, "invalid token");
        } else if (!valid.caller().userId().equals(c.userId()) || !valid.signedIn()) {
            c.close(Protocol.FORBIDDEN, "token of another user");
        } else if (identity.cutOff(valid.caller())) {
            c.close(Protocol.REAUTHENTICATE, "token revoked");
        } else {
            c.reauthenticate(new WsCaller(valid.caller(), valid.expiresAt(), valid.groups()));
            c.send(Protocol.welcome(c.userId().toString(), c.id, connections.expiresIn(valid.expiresAt())));
        }
    }
}
