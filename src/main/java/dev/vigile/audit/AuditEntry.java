package dev.vigile.audit;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One event to record: what happened, who did it, to what, and how it ended. The request's client
 * address, user agent and request id are added by {@link AuditLog}. Details hold names, ids and
 * flags only: never a password, token or hash.
 */
public final class AuditEntry {
    /** How the action ended. */
    public enum Outcome {
        SUCCESS("success"),
        FAILURE("failure"),
        DENIED("denied");

        private final String value;

        Outcome(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        public static Outcome parse(String s) {
            for (Outcome o : values()) {
                if (o.value.equals(s)) {
                    return o;
                }
            }
            throw new IllegalArgumentException(s);
        }
    }

    private final String action;
    private final Outcome outcome;
    private UUID actorId;
    private String actorEmail;
    private String targetType;
    private String targetId;
    private final Map<String, Object> details = new LinkedHashMap<>();

    private AuditEntry(String action, Outcome outcome) {
        this.action = Objects.requireNonNull(action);
        this.outcome = Objects.requireNonNull(outcome);
    }

    public static AuditEntry success(String action) {
        return new AuditEntry(action, Outcome.SUCCESS);
    }

    public static AuditEntry failure(String action) {
        return new AuditEntry(action, Outcome.FAILURE);
    }

    public static AuditEntry denied(String action) {
        return new AuditEntry(action, Outcome.DENIED);
    }

    public AuditEntry actor(UUID id, String email) {
        this.actorId = id;
        this.actorEmail = email;
        return this;
    }

    public AuditEntry target(String type, Object id) {
        this.targetType = type;
        this.targetId = id == null ? null : id.toString();
        return this;
    }

    /** Adds a detail: a string, number, boolean or collection of strings. */
    public AuditEntry detail(String key, Object value) {
        if (value != null) {
            details.put(key, value);
        }
        return this;
    }

    public String action() {
        return action;
    }

    public Outcome outcome() {
        return outcome;
    }

    public UUID actorId() {
        return actorId;
    }

    public String actorEmail() {
        return actorEmail;
    }

    public String targetType() {
        return targetType;
    }

    public String targetId() {
        return targetId;
    }

    /** The details as a JSON object text. */
    public String detailsJson() {
        JsonObjectBuilder b = Json.createObjectBuilder();
        details.forEach((k, v) -> {
            if (v instanceof Boolean bool) {
                b.add(k, bool);
            } else if (v instanceof Integer || v instanceof Long) {
                b.add(k, ((Number) v).longValue());
            } else if (v instanceof Collection<?> c) {
                JsonArrayBuilder a = Json.createArrayBuilder();
                c.forEach(item -> a.add(String.valueOf(item)));
                b.add(k, a);
            } else {
                b.add(k, String.valueOf(v));
            }
        });
        return b.build().toString();
    }
}
