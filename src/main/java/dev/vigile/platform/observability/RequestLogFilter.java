package dev.vigile.platform.observability;

import dev.vigile.common.web.SecurityHeadersFilter;
import jakarta.enterprise.context.Dependent;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One log line per request: request id, method, path (never the query string, which may hold a
 * WebSocket token), status, duration and the caller's user id when known. Logger {@value #LOGGER};
 * plain text by default, JSON with {@code vigile.log.format=json}.
 *
 * <p>Lines are handed to one writer thread: written on the request thread, the console handler's
 * lock made a third of all request threads wait under load. The queue is bounded; when it is full
 * the request thread writes its line itself, so no line is dropped. Lines still queued are
 * written when the application stops.
 *
 * <p>A stage of {@link dev.vigile.platform.RequestPipeline}, which creates it (as a CDI bean, so
 * its injections are made) and calls its {@code init}, {@code doFilter} and {@code destroy}.
 */
@Dependent
public class RequestLogFilter extends HttpFilter {
    public static final String LOGGER = "dev.vigile.requests";
    /** Request attribute where authentication leaves the caller's user id. */
    public static final String USER_ATTRIBUTE = "vigile.userId";

    private static final Logger LOG = Logger.getLogger(LOGGER);
    private static final LogRecord STOP = new LogRecord(Level.OFF, "stop");

    private final java.util.concurrent.BlockingQueue<LogRecord> queue =
            new java.util.concurrent.ArrayBlockingQueue<>(8192);
    private Thread writer;
    static final long IDLE_WAIT_NANOS = 10_000_000;

    @Override
    public void init() {
        writer = new Thread(this::writeLines, "vigile-request-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Polls rather than blocks: a writer blocked on the queue makes every request thread that
     * offers a line wake it (an unpark per request, seen in the suite's profile). Lines are written
     * at most {@link #IDLE_WAIT_NANOS} after they are queued.
     */
    private void writeLines() {
        for (LogRecord r = queue.poll(); r != STOP; r = queue.poll()) {
            if (r != null) {
                LOG.log(r);
            } else if (Thread.interrupted()) {
                break;
            } else {
                LockSupport.parkNanos(IDLE_WAIT_NANOS);
            }
        }
        for (LogRecord r = queue.poll(); r != null; r = queue.poll()) {
            if (r != STOP) {
                LOG.log(r);
            }
        }
    }

    @Override
    public void destroy() {
        if (writer != null) {
            try {
                queue.put(STOP);
                writer.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        try {
            chain.doFilter(req, res);
        } finally {
            if (LOG.isLoggable(Level.INFO) && !req.isAsyncStarted()) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("requestId", req.getAttribute(SecurityHeadersFilter.REQUEST_ID_ATTRIBUTE));
                fields.put("method", req.getMethod());
                fields.put("path", req.getRequestURI());
                fields.put("status", res.getStatus());
                fields.put("durationMs", (System.nanoTime() - start) / 1_000_000);
                fields.put("user", req.getAttribute(USER_ATTRIBUTE));
                StringBuilder plain = new StringBuilder();
                fields.forEach((k, v) -> {
                    if (v != null) {
                        plain.append(plain.length() == 0 ? "" : " ")
                                .append(k)
                                .append('=')
                                .append(v);
                    }
                });
                LogRecord record = new LogRecord(Level.INFO, plain.toString());
                record.setLoggerName(LOGGER);
                record.setParameters(new Object[] {fields});
                if (writer == null || !writer.isAlive() || !queue.offer(record)) {
                    LOG.log(record);
                }
            }
        }
    }
}
