package dev.vigile.common.web;

import dev.vigile.common.problem.BearerChallenge;
import dev.vigile.common.problem.ProblemTypes;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container's error page (see {@code web.xml}): errors raised outside JAX-RS, by Payara itself
 * (401 from MicroProfile JWT, 404 and 405 from the default servlet, uncaught exceptions) become
 * problem+json instead of Payara's HTML page.
 */
public class ErrorPageServlet extends HttpServlet {
    private static final Logger LOG = Logger.getLogger(ErrorPageServlet.class.getName());

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 404;
        Throwable error = (Throwable) req.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (error != null) {
            LOG.log(Level.SEVERE, "Unhandled error on " + req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), error);
            status = 500;
        }
        Map<String, String> headers = new HashMap<>();
        if (status == 501) {
            // The static-file servlet knows no method but GET and HEAD: that is the client's 405.
            status = 405;
            headers.put("Allow", "GET, HEAD, OPTIONS");
        }
        String detail = ProblemTypes.defaultDetail(status);
        if (status == 401) {
            headers.put("WWW-Authenticate", BearerChallenge.forRequest(req.getHeader("Authorization")));
        }
        // The error dispatch keeps the original URI in an attribute; report that, not "/error".
        Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        HttpServletRequest original = uri == null
                ? req
                : new jakarta.servlet.http.HttpServletRequestWrapper(req) {
                    @Override
                    public String getRequestURI() {
                        return uri.toString();
                    }
                };
        ErrorWriter.write(original, res, status, detail, headers);
    }
}
