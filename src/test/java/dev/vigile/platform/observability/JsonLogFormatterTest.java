package dev.vigile.platform.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JsonLogFormatterTest {
    static JsonObject parse(String line) {
        assertTrue(line.endsWith(System.lineSeparator()), "one record per line");
        return Json.createReader(new StringReader(line.strip())).readObject();
    }

    @Test
    void aRequestLineBecomesOneObjectWithItsFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("requestId", "r-1");
        fields.put("method", "GET");
        fields.put("path", "/api/users/me");
        fields.put("status", 200);
        fields.put("durationMs", 12L);
        fields.put("user", null);
        LogRecord r = new LogRecord(Level.INFO, "requestId=r-1 ...");
        r.setLoggerName(RequestLogFilter.LOGGER);
        r.setParameters(new Object[] {fields});
        JsonObject o = parse(new JsonLogFormatter().format(r));
        assertEquals("INFO", o.getString("level"));
        assertEquals(RequestLogFilter.LOGGER, o.getString("logger"));
        assertEquals("/api/users/me", o.getString("path"));
        assertEquals(200, o.getInt("status"));
        assertEquals(12, o.getInt("durationMs"));
        assertTrue(!o.containsKey("user"), "absent values are left out");
        assertTrue(o.getString("time").endsWith("Z"));
    }

    @Test
    void anOrdinaryRecordKeepsItsMessageAndError() {
        LogRecord r = new LogRecord(Level.WARNING, "Could not {0}");
        r.setParameters(new Object[] {"publish"});
        r.setLoggerName("dev.vigile.platform.cluster.ClusterBus");
        r.setThrown(new IllegalStateException("grid down"));
        JsonObject o = parse(new JsonLogFormatter().format(r));
        assertEquals("Could not publish", o.getString("message"));
        assertEquals("java.lang.IllegalStateException: grid down", o.getString("error"));
    }
}
