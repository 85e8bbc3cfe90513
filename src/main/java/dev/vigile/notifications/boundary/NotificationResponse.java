package dev.vigile.notifications.boundary;

import dev.vigile.notifications.Notification;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;

/** A notification as clients see it. */
public record NotificationResponse(
        long id, String kind, String title, String body, JsonValue data, Instant createdAt, Instant readAt) {

    static NotificationResponse from(Notification n) {
        JsonValue data = JsonValue.NULL;
        if (n.data() != null) {
            try (var reader = Json.createReader(new StringReader(n.data()))) {
                data = reader.readValue();
            }
        }
        return new NotificationResponse(n.id(), n.kind(), n.title(), n.body(), data, n.createdAt(), n.readAt());
    }
}
