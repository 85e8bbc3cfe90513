package dev.vigile.identity.events;

import java.util.List;
import java.util.UUID;

/**
 * In the revoking transaction: these sessions ended. After the commit the caches here drop them,
 * and {@link SessionsEndedNotice} tells every other member.
 */
public record SessionsEnded(List<UUID> sessionIds) {}
