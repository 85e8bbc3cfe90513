package dev.vigile.identity.events;

import java.util.UUID;

/**
 * In the changing transaction: every second factor of the user was removed (turned off, reset,
 * or an unconfirmed enrollment dropped with it), whether or not one was on; sign-ins waiting for
 * a factor end with it. {@link MfaChanged} tells the user, when one was on.
 */
public record SecondFactorRemoved(UUID userId) {}
