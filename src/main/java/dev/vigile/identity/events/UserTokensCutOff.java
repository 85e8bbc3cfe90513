package dev.vigile.identity.events;

import java.util.List;
import java.util.UUID;

/**
 * In the changing transaction: these users' access tokens were cut off (a credential event, a
 * role change, a disable or a delete). After the commit the caches here drop them, and {@link
 * UserTokensCutOffNotice} tells every other member.
 */
public record UserTokensCutOff(List<UUID> userIds) {
    public UserTokensCutOff(UUID userId) {
        this(List.of(userId));
    }
}
