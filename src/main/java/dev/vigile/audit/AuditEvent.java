package dev.vigile.audit;

import java.time.Instant;
import java.util.UUID;

/** A recorded audit event, as read back. {@code details} is a JSON object text. */
public record AuditEvent(
        long id,
        Instant occurredAt,
        UUID actorId,
        String actorEmail,
        String action,
        String targetType,
        String targetId,
        String outcome,
        String ip,
        String userAgent,
        String requestId,
        String details) {}
