package dev.vigile.platform.observability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    @Test
    void jsonSwitchesVigilesRecordsToOneObjectPerLineAndPlainSwitchesBack() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LogFormat.apply("json");
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("path", "/api/users/me");
            fields.put("status", 200);
            LogRecord r = new LogRecord(Level.INFO, "path=/api/users/me status=200");
            r.setLoggerName(RequestLogFilter.LOGGER);
            r.setParameters(new Object[] {fields});
            Logger.getLogger(RequestLogFilter.LOGGER).log(r);
            LogFormat.apply("plain");
            Logger.getLogger(RequestLogFilter.LOGGER).log(Level.INFO, "after");
        } finally {
            System.setErr(original);
            LogFormat.apply("plain");
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(
                out.contains("{\"time\":")
                        && out.contains("\"path\":\"/api/users/me\"")
                        && out.contains("\"status\":200"),
                out);
        assertFalse(out.contains("\"message\":\"after\""), "plain again after switching back: " + out);
    }
}
