package dev.vigile.platform.cluster;

import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.Optional;

/**
 * An event that reached this instance from any instance of the cluster (this one included), as
 * its wire name and JSON body; observers read it as the record they expect with {@link #as}.
 */
public record ClusterMessage(String type, JsonObject body) {
    private static final Jsonb JSON = JsonbBuilder.create();

    /** The event as a record of this class, when it is one (by its wire name). */
    public <T extends ClusterEvent> Optional<T> as(Class<T> event) {
        if (!type.equals(ClusterEvent.typeOf(event))) {
            return Optional.empty();
        }
        return Optional.of(JSON.fromJson(body.toString(), event));
    }

    /** The body of an event, as the bus sends it. */
    static String bodyOf(ClusterEvent event) {
        return JSON.toJson(event);
    }
}
