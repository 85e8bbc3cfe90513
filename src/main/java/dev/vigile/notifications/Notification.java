package dev.vigile.notifications;

import java.time.Instant;
import java.util.UUID;

/** One notification in a user's inbox. {@code data} is a JSON object text or null. */
public record Notification(
        long id, UUID userId, String kind, String title, String body, String data, Instant createdAt, Instant readAt) {}
