package dev.vigile.platform.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import java.lang.annotation.Annotation;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Readiness says when the delivery path is broken (issue 33, hole 9: every cluster event failed
 * while health said UP), and a single failure, a blip, does not make an instance not ready.
 */
class DeliveryHealthTest {
    /** The observers of cluster messages, failing or not. */
    static final class Observers implements Event<ClusterMessage> {
        boolean failing;

        @Override
        public void fire(ClusterMessage event) {
            if (failing) {
                throw new NullPointerException("a bean created without its @Resource fields");
            }
        }

        @Override
        public <U extends ClusterMessage> CompletionStage<U> fireAsync(U event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends ClusterMessage> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Event<ClusterMessage> select(Annotation... qualifiers) {
            return this;
        }

        @Override
        public <U extends ClusterMessage> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends ClusterMessage> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }
    }

    private static String message(ClusterBus bus) {
        return bus.seal().seal("test.event", "{\"n\":1}", "member-1");
    }

    @Test
    void eventsFailingInARowBreakThePathAndOneHandledEventMendsIt() {
        ClusterBus bus = new ClusterBus();
        Observers observers = new Observers();
        bus.events = observers;
        bus.useSeal(new ClusterSeal("a secret for the test"));

        bus.deliver(message(bus));
        assertEquals(new ClusterBus.DeliveryHealth(1, 0, false), bus.deliveryHealth());

        observers.failing = true;
        bus.deliver(message(bus));
        assertFalse(bus.deliveryHealth().broken(), "one failure is a blip");
        for (int i = 1; i < ClusterBus.BROKEN_AFTER; i++) {
            bus.deliver(message(bus));
        }
        assertTrue(bus.deliveryHealth().broken(), "failing in a row: " + bus.deliveryHealth());
        assertEquals(ClusterBus.BROKEN_AFTER, bus.deliveryHealth().failed());

        observers.failing = false;
        bus.deliver(message(bus));
        assertEquals(new ClusterBus.DeliveryHealth(2, ClusterBus.BROKEN_AFTER, false), bus.deliveryHealth());
    }
}
