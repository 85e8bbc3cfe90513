package dev.vigile.identity.events;

import dev.vigile.platform.cluster.ClusterEvent;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Between members, after {@link UserTokensCutOff} committed on one: these users' tokens were cut
 * off (disabled, deleted, roles or generation changed). Every member forgets what it cached of
 * them and re-checks their WebSockets. The wire name stays {@code users-cut-off} across the
 * rename.
 */
@ClusterEvent.Type("users-cut-off")
public record UserTokensCutOffNotice(List<UUID> ids) implements ClusterEvent {
    /** How long a member may answer from what it cached when a notice is lost. */
    public static final Duration MAX_STALENESS = Duration.ofSeconds(15);
}
