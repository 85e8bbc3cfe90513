package dev.vigile.common.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /admin} and {@code /docs} without their slash: a 301 to the slash, with a relative
 * {@code Location}. Mapped exactly in {@code web.xml}, so the container's own directory redirect
 * (an absolute URL built from the client's {@code Host}, an HTML body, and none of the headers of
 * {@link SecurityHeadersFilter}, which it answers before any filter) never runs.
 */
public class DirectoryRedirectServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) {
        if (!"GET".equals(req.getMethod()) && !"HEAD".equals(req.getMethod())) {
            res.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            res.setHeader("Allow", "GET, HEAD");
            return;
        }
        res.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
        res.setHeader("Location", req.getRequestURI() + "/");
        res.setContentLength(0);
    }
}
