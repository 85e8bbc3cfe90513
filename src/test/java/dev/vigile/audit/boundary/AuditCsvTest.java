package dev.vigile.audit.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigile.audit.AuditEvent;
import java.io.StringWriter;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditCsvTest {
    @Test
    void cellsAreQuotedPerRfc4180() {
        assertEquals("plain", AuditCsv.cell("plain"));
        assertEquals("\"a,b\"", AuditCsv.cell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", AuditCsv.cell("say \"hi\""));
        assertEquals("\"two\nlines\"", AuditCsv.cell("two\nlines"));
        assertEquals("", AuditCsv.cell(""));
    }

    @Test
    void formulaLikeCellsAreNeutralised() {
        for (String lead : new String[] {"=", "+", "-", "@", "\t", "\r"}) {
            String cell = AuditCsv.cell(lead + "SUM(A1)");
            assertEquals('"', cell.charAt(0), cell);
            assertEquals('\'', cell.charAt(1), cell);
        }
        assertEquals("\"'=HYPERLINK(\"\"x\"\")\"", AuditCsv.cell("=HYPERLINK(\"x\")"));
    }

    @Test
    void aRowHasTheHeadersColumnsInOrder() throws Exception {
        UUID actor = UUID.fromString("00000000-0000-0000-0000-000000000001");
        AuditEvent e = new AuditEvent(
                7,
                Instant.parse("2026-11-24T08:00:00Z"),
                actor,
                "a@b.c",
                "auth.login",
                "user",
                actor.toString(),
                "success",
                "10.0.0.1",
                "curl/8",
                "req-1",
                "{\"x\": 1}");
        StringWriter out = new StringWriter();
        AuditCsv.write(out, e);
        assertEquals(
                "7,2026-11-24T08:00:00Z," + actor + ",a@b.c,auth.login,user," + actor
                        + ",success,10.0.0.1,curl/8,req-1,\"{\"\"x\"\": 1}\"\r\n",
                out.toString());
        assertEquals(AuditCsv.HEADER.split(",").length, 12);
    }
}
