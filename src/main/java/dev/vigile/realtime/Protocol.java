package dev.vigile.realtime;

import dev.vigile.notifications.Notification;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;

/** The frames and close codes of the {@code vigile.v1} subprotocol (see the API contract). */
final class Protocol {
    static final String SUBPROTOCOL = "vigile.v1";
    static final int INVALID_TOKEN = 4001;
    static final int TOKEN_EXPIRED = 4002;
    static final int FORBIDDEN = 4003;
    static final int SLOW_CONSUMER = 4008;
    static final int REAUTHENTICATE = 4011;
    static final int NO_PING = 4012;
    /** RFC 6455 registry: the server is restarting; the client should reconnect. */
    static final int SERVICE_RESTART = 1012;

    static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private Protocol() {}

    static String welcome(String userId, String connectionId, long expiresIn) {
        return Json.createObjectBuilder()
                .add("type", "welcome")
                .add("userId", userId)
                .add("connectionId", connectionId)
                .add("expiresIn", expiresIn)
                .build()
                .toString();
    }

    static String pong() {
        return "{\"type\":\"pong\"}";
    }

    static String error(String code, String message) {
        return Json.createObjectBuilder()
                .add("type", "error")
                .add("code", code)
                .add("message", message)
                .build()
                .toString();
    }

    static String notification(Notification n) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("type", "notification")
                .add("id", n.id())
                .add("kind", n.kind())
                .add("title", n.title())
                .add("body", n.body());
        if (n.data() == null) {
            b.add("data", JsonValue.NULL);
        } else {
            try (var reader = Json.createReader(new StringReader(n.data()))) {
                b.add("data", reader.readValue());
            }
        }
        return b.add("createdAt", n.createdAt().toString()).build().toString();
    }
}
