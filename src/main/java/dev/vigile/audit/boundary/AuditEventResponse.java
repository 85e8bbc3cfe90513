package dev.vigile.audit.boundary;

import dev.vigile.audit.AuditEvent;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.UUID;

/** An audit event as clients see it. */
public record AuditEventResponse(
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
        JsonObject details) {

    public static AuditEventResponse from(AuditEvent e) {
        JsonObject details;
        try (var reader = Json.createReader(new StringReader(e.details() == null ? "{}" : e.details()))) {
            details = reader.readObject();
        }
        return new AuditEventResponse(
                e.id(),
                e.occurredAt(),
                e.actorId(),
                e.actorEmail(),
                e.action(),
                e.targetType(),
                e.targetId(),
                e.outcome(),
                e.ip(),
                e.userAgent(),
                e.requestId(),
                details);
    }
}
