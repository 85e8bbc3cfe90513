package dev.vigile.platform.observability;

import dev.vigile.common.web.SecurityHeadersFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One log line per request: request id, method, path (never the query string, which may hold a
 * WebSocket token), status, duration and the caller's user id when known. Logger {@value #LOGGER};
 * plain text by default, JSON with {@code vigile.log.format=json}.
 */
public class RequestLogFilter extends HttpFilter {
  public static final String LOGGER = "dev.vigile.requests";
  /** Request attribute where authentication leaves the caller's user id. */
  public static final String USER_ATTRIBUTE = "vigile.userId";
  private static final Logger LOG = Logger.getLogger(LOGGER);

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
            plain.append(plain.length() == 0 ? "" : " ").append(k).append('=').append(v);
          }
        });
        LogRecord record = new LogRecord(Level.INFO, plain.toString());
        record.setLoggerName(LOGGER);
        record.setParameters(new Object[] {fields});
        LOG.log(record);
      }
    }
  }
}
