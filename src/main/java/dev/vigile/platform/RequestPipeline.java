package dev.vigile.platform;

import dev.vigile.common.web.BodyLimitFilter;
import dev.vigile.common.web.SecurityHeadersFilter;
import dev.vigile.platform.lifecycle.DrainFilter;
import dev.vigile.platform.observability.RequestLogFilter;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * Vigile's request stages behind one servlet filter, in this order: security headers and the
 * request id (every response has them), the request log line, the shutdown drain, the body
 * limit. One registered filter rather than four because the servlet container locks each
 * filter's configuration on every request (Catalina's {@code ApplicationFilterConfig.getFilter}
 * is synchronised): with four, request threads queued there (4 of 38 samples of
 * {@code GET /api/users/me} in the suite's profile).
 */
public class RequestPipeline extends HttpFilter {
    @Inject
    SecurityHeadersFilter headers;

    @Inject
    RequestLogFilter requestLog;

    @Inject
    DrainFilter drain;

    @Inject
    BodyLimitFilter bodyLimit;

    @Inject
    dev.vigile.platform.observability.MetricsGuard metricsGuard;

    private List<HttpFilter> stages;

    @Override
    public void init() throws ServletException {
        stages = List.of(headers, requestLog, drain, bodyLimit, metricsGuard);
        for (HttpFilter stage : stages) {
            stage.init(getFilterConfig());
        }
    }

    @Override
    public void destroy() {
        for (int i = stages.size() - 1; i >= 0; i--) {
            stages.get(i).destroy();
        }
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        new Stage(0, chain).doFilter(req, res);
    }

    /** The rest of the pipeline from one stage on, then the container's own chain. */
    private final class Stage implements FilterChain {
        private final int index;
        private final FilterChain rest;

        Stage(int index, FilterChain rest) {
            this.index = index;
            this.rest = rest;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res) throws IOException, ServletException {
            if (index == stages.size()) {
                rest.doFilter(req, res);
            } else {
                stages.get(index).doFilter(req, res, new Stage(index + 1, rest));
            }
        }
    }
}
