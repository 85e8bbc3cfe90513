package dev.vigile.identity.accounts.boundary;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vigile.identity.accounts.control.UserChangeListener.UsersChanged;
import dev.vigile.identity.events.UserTokensCutOff;
import dev.vigile.identity.events.UserTokensCutOffNotice;
import dev.vigile.platform.cluster.ClusterBus;
import dev.vigile.platform.cluster.ClusterMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * What {@code GET /api/users/me} answers, per user, so that the busiest authenticated read does
 * not query the database each time. An entry is dropped on this instance as soon as a change to
 * the user (or to a role) commits, and on the other instances when the cluster event announcing it
 * arrives; entries also expire, which bounds how far behind an instance can be if an event is
 * lost. A load racing a change cannot leave the old answer behind: dropping an entry waits for a
 * load in progress and removes what it loaded.
 */
@ApplicationScoped
public class CurrentUserCache {

    @Inject
    ClusterBus bus;

    private final Cache<UUID, UserResponse> cache = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(UserTokensCutOffNotice.MAX_STALENESS)
            .build();

    /** The cached answer for the user, loaded when absent. */
    public UserResponse get(UUID userId, Function<UUID, UserResponse> load) {
        return cache.get(userId, load);
    }

    /** A change committed on this instance: drop it here, then tell the others. */
    void onChanged(@Observes UsersChanged change) {
        forget(change.ids(), change.all());
        bus.publish(new UsersRefreshed(List.copyOf(change.ids()), change.all()));
    }

    /** Deleted or disabled users, and role holders cut off (role deleted or its permissions changed). */
    void onCutOff(@Observes(during = TransactionPhase.AFTER_SUCCESS) UserTokensCutOff event) {
        forget(event.userIds(), false);
    }

    void onCluster(@Observes ClusterMessage message) {
        message.as(UsersRefreshed.class).ifPresent(e -> forget(e.ids(), e.all()));
        message.as(UserTokensCutOffNotice.class).ifPresent(e -> forget(e.ids(), false));
    }

    private void forget(Collection<UUID> ids, boolean all) {
        if (all || ids.size() > 1_000) {
            cache.invalidateAll();
        } else {
            cache.invalidateAll(ids);
        }
    }
}
