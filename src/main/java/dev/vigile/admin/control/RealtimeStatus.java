package dev.vigile.admin.control;

import dev.vigile.platform.cluster.ClusterBus;
import dev.vigile.realtime.Connections;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Live figures for the dashboard: WebSocket connections and members, cluster-wide. */
@ApplicationScoped
public class RealtimeStatus {
    @Inject
    Connections connections;

    @Inject
    ClusterBus bus;

    public long connections() {
        return connections.clusterCount();
    }

    public int clusterMembers() {
        return bus.members();
    }
}
