package dev.vigile.platform.cluster;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A record that travels between cluster members ({@link ClusterBus#publish}), as JSON, under the
 * wire name its {@link Type} gives: names and bodies stay what they were when events were
 * written by hand, so that members of two versions understand each other during an upgrade.
 */
public interface ClusterEvent {
    /** The event's name on the wire. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Type {
        String value();
    }

    /** The wire name of an event class. */
    static String typeOf(Class<? extends ClusterEvent> type) {
        Type name = type.getAnnotation(Type.class);
        if (name == null) {
            throw new IllegalArgumentException(type.getName() + " has no @ClusterEvent.Type");
        }
        return name.value();
    }
}
