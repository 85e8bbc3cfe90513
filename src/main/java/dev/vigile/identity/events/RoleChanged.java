package dev.vigile.identity.events;

/** A role's permissions changed, or the role is being deleted: its holders' tokens are cut off. */
public record RoleChanged(String role) {}
