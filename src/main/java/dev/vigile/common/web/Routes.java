package dev.vigile.common.web;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ResourceInfo;
import java.lang.reflect.Method;

/** The route template a JAX-RS request matched: {@code GET /api/users/{id}}. */
public final class Routes {
    private Routes() {}

    /** The template, or {@code unmatched} when no resource method answered. */
    public static String template(String method, ResourceInfo resource) {
        Method m = resource == null ? null : resource.getResourceMethod();
        if (m == null) {
            return "unmatched";
        }
        Path base = resource.getResourceClass().getAnnotation(Path.class);
        Path sub = m.getAnnotation(Path.class);
        String path = "/api" + (base == null ? "" : base.value())
                + (sub == null ? "" : (sub.value().startsWith("/") ? "" : "/") + sub.value());
        return method + " " + path;
    }
}
