package dev.vigile.audit.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void linesReadBackwardsAcrossBlocks() throws Exception {
        Path f = Files.createTempFile("reverse", ".jsonl");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append("line ")
                    .append(i)
                    .append(" ")
                    .append("x".repeat(i % 97))
                    .append('\n');
        }
        Files.writeString(f, text);
        try (AuditArchive.ReverseLines lines = new AuditArchive.ReverseLines(f)) {
            for (int i = 4999; i >= 0; i--) {
                assertEquals("line " + i + " " + "x".repeat(i % 97), lines.previous());
            }
            assertNull(lines.previous());
        }
    }

    static AuditArchive.Row row(long id, String prev) {
        AuditArchive.Row draft = new AuditArchive.Row(
                id,
                "2026-12-07T00:00:00Z",
                1796601600000000L,
                prev,
                null,
                null,
                null,
                "a@example.com",
                "auth.login",
                "user",
                null,
                "success",
                null,
                null,
                null,
                "{}");
        return new AuditArchive.Row(
                id,
                draft.occurredAt(),
                draft.micros(),
                prev,
                draft.recomputedHash(),
                null,
                null,
                "a@example.com",
                "auth.login",
                "user",
                null,
                "success",
                null,
                null,
                null,
                "{}");
    }

    @Test
    void anArchiveWithoutTheLastRetiredRowOrWithOtherRowsIsRefused() throws Exception {
        Path dir = Files.createTempDirectory("archive");
        AuditArchive.Row one = row(1, "0".repeat(64));
        AuditArchive.Row two = row(2, one.hash());
        try (AuditArchive.Appender out = new AuditArchive.Appender(dir, 0, null)) {
            out.append(one);
            out.append(two);
        }
        // The database retired row 1: the archive holds it, so more may be archived, row 2 again skipped.
        try (AuditArchive.Appender out = new AuditArchive.Appender(dir, 1, one.hash())) {
            out.append(two);
            assertEquals(0, out.written());
        }
        // The database says another hash for row 1 (another database, a restored one): refused.
        assertThrows(IllegalStateException.class, () -> new AuditArchive.Appender(dir, 1, "f".repeat(64)));
        // An empty directory (lost, or another member's) while rows were retired: refused.
        assertThrows(
                IllegalStateException.class,
                () -> new AuditArchive.Appender(Files.createTempDirectory("empty"), 1, one.hash()));
        // Row 2 left by a crash, but the database's row 2 is another: refused, nothing written.
        try (AuditArchive.Appender out = new AuditArchive.Appender(dir, 1, one.hash())) {
            assertThrows(IllegalStateException.class, () -> out.append(row(2, "e".repeat(64))));
        }
    }
}
