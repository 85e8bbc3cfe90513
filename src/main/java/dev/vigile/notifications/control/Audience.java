package dev.vigile.notifications.control;

import java.util.UUID;

/** Who receives a notification: one user, everyone holding a role, or every enabled user. */
public record Audience(String type, String value) {
    public static Audience user(UUID id) {
        return new Audience("user", id.toString());
    }

    public static Audience role(String name) {
        return new Audience("role", name);
    }

    public static Audience all() {
        return new Audience("all", null);
    }
}
