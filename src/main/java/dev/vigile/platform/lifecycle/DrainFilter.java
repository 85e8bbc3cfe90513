package dev.vigile.platform.lifecycle;

import dev.vigile.common.web.ErrorWriter;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * Counts the requests in flight for {@link Drain}; once shutdown has begun, refuses new ones with
 * 503 and closes their connection, so the client (or the load balancer) goes elsewhere. Nothing
 * has been done for a refused request: it is safe to retry. Health and metrics stay served.
 *
 * <p>A stage of {@link dev.vigile.platform.RequestPipeline}, which creates it (as a CDI bean, so
 * its injections are made) and calls its {@code init}, {@code doFilter} and {@code destroy}.
 */
@Dependent
public class DrainFilter extends HttpFilter {
    private static final Map<String, String> RETRY = Map.of("Retry-After", "1", "Connection", "close");

    @Inject
    Drain drain;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String path = req.getRequestURI().substring(req.getContextPath().length());
        if (path.startsWith("/health") || path.startsWith("/metrics")) {
            // Probes keep answering while draining: readiness says DOWN, with the reason.
            chain.doFilter(req, res);
            return;
        }
        if (!drain.enter()) {
            ErrorWriter.write(req, res, 503, "This instance is shutting down; retry the request.", RETRY);
            return;
        }
        try {
            chain.doFilter(req, res);
        } finally {
            drain.leave();
        }
    }
}
