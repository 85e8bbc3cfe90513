package dev.vigile.audit.boundary;

import dev.vigile.audit.AuditEvent;
import java.io.IOException;
import java.io.Writer;

/**
 * CSV (RFC 4180) rows of audit events. A cell that a spreadsheet would read as a formula is
 * prefixed with an apostrophe (OWASP CSV injection).
 */
final class AuditCsv {
    static final String HEADER =
            "id,occurredAt,actorId,actorEmail,action,targetType,targetId,outcome,ip,userAgent,requestId,details";

    private AuditCsv() {}

    static void write(Writer out, AuditEvent e) throws IOException {
        out.write(Long.toString(e.id()));
        Object[] cells = {
            e.occurredAt(),
            e.actorId(),
            e.actorEmail(),
            e.action(),
            e.targetType(),
            e.targetId(),
            e.outcome(),
            e.ip(),
            e.userAgent(),
            e.requestId(),
            e.details()
        };
        for (Object cell : cells) {
            out.write(',');
            out.write(cell(cell == null ? "" : cell.toString()));
        }
        out.write("\r\n");
    }

    static String cell(String value) {
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0
                || v.indexOf('"') >= 0
                || v.indexOf('\n') >= 0
                || v.indexOf('\r') >= 0
                || !v.equals(value)) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
