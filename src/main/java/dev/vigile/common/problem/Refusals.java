package dev.vigile.common.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

/** Raises {@link AccessRefused} for the exception mappers (JAX-RS providers, not CDI beans). */
@ApplicationScoped
public class Refusals {
    @Inject
    Event<AccessRefused> refused;

    /** Fires the event and returns it, with the answer an observer may have chosen. */
    public AccessRefused fire(AccessRefused event) {
        refused.fire(event);
        return event;
    }
}
