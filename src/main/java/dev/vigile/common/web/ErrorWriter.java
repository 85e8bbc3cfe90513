package dev.vigile.common.web;

import dev.vigile.common.problem.Problem;
import dev.vigile.common.problem.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes a problem+json body straight to a servlet response (outside JAX-RS). */
public final class ErrorWriter {
    private ErrorWriter() {}

    public static void write(
            HttpServletRequest req, HttpServletResponse res, int status, String detail, Map<String, String> headers)
            throws IOException {
        if (res.isCommitted()) {
            return;
        }
        res.resetBuffer();
        Problem problem = ProblemResponses.problem(status, detail, ProblemResponses.instance(req), null);
        byte[] body = StrictJsonb.jsonb().toJson(problem).getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType(Problem.MEDIA_TYPE);
        res.setCharacterEncoding("UTF-8");
        if (headers != null) {
            headers.forEach(res::setHeader);
        }
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
        res.flushBuffer();
    }
}
