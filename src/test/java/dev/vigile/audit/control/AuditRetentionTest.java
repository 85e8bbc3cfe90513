package dev.vigile.audit.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditRetentionTest {
    @Test
    void aLongRetentionRetiresWholeDays() {
        Duration year = Duration.ofDays(365);
        Instant morning = Instant.parse("2026-12-07T00:04:00Z");
        Instant evening = Instant.parse("2026-12-07T23:59:00Z");
        Instant midnight = Instant.parse("2025-12-07T00:00:00Z");
        assertEquals(midnight, AuditRetention.cutoff(morning, year));
        assertEquals(midnight, AuditRetention.cutoff(evening, year), "the same cutoff all day: one retirement");
        assertEquals(
                Instant.parse("2025-12-08T00:00:00Z"),
                AuditRetention.cutoff(Instant.parse("2026-12-08T00:00:01Z"), year));
    }

    @Test
    void aShortRetentionRetiresInStepsOfItself() {
        Duration four = Duration.ofSeconds(4);
        assertEquals(
                Instant.parse("2026-12-07T10:00:04Z"),
                AuditRetention.cutoff(Instant.parse("2026-12-07T10:00:09.500Z"), four));
    }

    @Test
    void jsonbTextEscapesAsPostgreSqlDoes() {
        assertEquals("null", AuditArchive.jsonb(null));
        assertEquals(
                "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f é😀/\"",
                AuditArchive.jsonb("a\"b\\c\n\t\r\b\f\u0001\u001f é😀/"));
    }
}
