package dev.vigile.platform;

import dev.vigile.platform.cluster.ClusterBus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /health/ready}, cluster part: how many members this instance sees in the data grid. When
 * the instance was started to join a cluster ({@code VIGILE_CLUSTER_NAME}), it is ready only once
 * the grid is running; a lone member is still ready (its peers may not have started yet). An
 * instance whose cluster events keep failing is not ready for a while (ClusterBus#deliveryHealth).
 */
@Readiness
@ApplicationScoped
public class ClusterReadinessCheck implements HealthCheck {
    @Inject
    ClusterBus bus;

    @Inject
    @ConfigProperty(name = "vigile.cluster.name")
    Optional<String> clusterName;

    @Override
    public HealthCheckResponse call() {
        boolean clustered = clusterName.filter(s -> !s.isBlank()).isPresent();
        boolean grid = bus.gridRunning();
        ClusterBus.DeliveryHealth delivery = bus.deliveryHealth();
        // A broken delivery path (events failing in a row) is not ready: its clients would keep
        // tokens cut off elsewhere and miss notifications. ClusterBus bounds how long it says so.
        return HealthCheckResponse.named("vigile-cluster")
                .status((!clustered || grid) && !delivery.broken())
                .withData("mode", clustered ? "cluster " + clusterName.get() : "alone")
                .withData("grid", grid ? "running" : "absent")
                .withData("members", bus.members())
                .withData("eventsDelivered", delivery.delivered())
                .withData("eventsFailed", delivery.failed())
                .withData("delivery", delivery.broken() ? "broken" : "ok")
                .build();
    }
}
