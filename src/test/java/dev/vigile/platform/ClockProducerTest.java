package dev.vigile.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ClockProducerTest {
    /** A clock whose instants have nanoseconds PostgreSQL would round away. */
    private static final Clock NANOS = Clock.fixed(Instant.parse("2026-12-07T16:25:38.847633918Z"), ZoneOffset.UTC);

    @Test
    void instantsAreInMicrosecondsAndMillisStillWork() {
        Clock clock = new ClockProducer.Microseconds(NANOS);
        assertEquals(Instant.parse("2026-12-07T16:25:38.847633Z"), clock.instant());
        assertEquals(NANOS.millis(), clock.millis());
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertEquals(ZoneId.of("Europe/Paris"), paris.getZone());
        assertEquals(clock.instant(), paris.instant());
    }

    @Test
    void theProducedClockTicksInMicroseconds() {
        Clock clock = new ClockProducer().clock();
        for (int i = 0; i < 1_000; i++) {
            assertEquals(0, clock.instant().getNano() % 1_000);
        }
        assertTrue(Math.abs(clock.millis() - System.currentTimeMillis()) < 60_000);
    }
}
