package dev.vigile.platform.observability;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** One JSON object per line: time, level, logger, message, and a request log's fields. */
public class JsonLogFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("time", Instant.ofEpochMilli(r.getMillis()).toString())
                .add("level", r.getLevel().getName())
                .add("logger", String.valueOf(r.getLoggerName()));
        Object[] params = r.getParameters();
        if (params != null && params.length == 1 && params[0] instanceof Map<?, ?> fields) {
            fields.forEach((k, v) -> {
                if (v instanceof Number n) {
                    b.add(k.toString(), n.longValue());
                } else if (v != null) {
                    b.add(k.toString(), v.toString());
                }
            });
        } else {
            b.add("message", formatMessage(r));
        }
        if (r.getThrown() != null) {
            b.add("error", r.getThrown().toString());
        }
        return b.build().toString() + System.lineSeparator();
    }
}
