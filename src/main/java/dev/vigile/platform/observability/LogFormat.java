package dev.vigile.platform.observability;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;

/** Switches Vigile's own log records (request lines included) to JSON, one object per line. */
public final class LogFormat {
    private static volatile Handler installed;

    private LogFormat() {}

    public static synchronized void apply(String format) {
        Logger vigile = Logger.getLogger("dev.vigile");
        if ("json".equalsIgnoreCase(format == null ? "" : format.strip())) {
            if (installed == null) {
                ConsoleHandler handler = new ConsoleHandler();
                handler.setFormatter(new JsonLogFormatter());
                vigile.addHandler(handler);
                vigile.setUseParentHandlers(false);
                installed = handler;
            }
        } else if (installed != null) {
            vigile.removeHandler(installed);
            vigile.setUseParentHandlers(true);
            installed = null;
        }
    }
}
