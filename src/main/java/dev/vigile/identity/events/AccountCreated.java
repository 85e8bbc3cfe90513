package dev.vigile.identity.events;

import java.util.UUID;

/**
 * A new account (a registration, or an administrator's creation), in its creating transaction:
 * its address is to be verified. {@code acceptLanguage}: the registering client's, or null.
 */
public record AccountCreated(UUID userId, String acceptLanguage) {}
