package dev.vigile.platform.observability;

import dev.vigile.common.web.Routes;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.time.Duration;

/** Times every REST request into {@code vigile_http_requests}, tagged by route template. */
@Provider
@PreMatching
public class RequestTimingFilter implements ContainerRequestFilter, ContainerResponseFilter {
    private static final String START = RequestTimingFilter.class.getName() + ".start";

    @Inject
    VigileMetrics metrics;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(START, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(START) instanceof Long start)) {
            return;
        }
        metrics.request(
                Routes.template(request.getMethod(), resource),
                response.getStatus(),
                Duration.ofNanos(System.nanoTime() - start));
    }
}
