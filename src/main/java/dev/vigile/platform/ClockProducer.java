package dev.vigile.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/** The clock services read time from (UTC), one place to change for tests. */
@ApplicationScoped
public class ClockProducer {
    @Produces
    @ApplicationScoped
    Clock clock() {
        return new Microseconds(Clock.systemUTC());
    }

    /**
     * Time in microseconds, PostgreSQL's precision: an instant a response shows (a sign-in's
     * {@code lastLoginAt}) is then the one every later read of the row shows, not a
     * nanosecond-precise value the database rounded. ({@code Clock.tick} with a tick under a
     * millisecond divides by zero in {@code millis()} on JDK 17.)
     */
    static final class Microseconds extends Clock {
        private final Clock base;

        Microseconds(Clock base) {
            this.base = base;
        }

        @Override
        public Instant instant() {
            return base.instant().truncatedTo(ChronoUnit.MICROS);
        }

        @Override
        public long millis() {
            return base.millis();
        }

        @Override
        public ZoneId getZone() {
            return base.getZone();
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return new Microseconds(base.withZone(zone));
        }
    }
}
