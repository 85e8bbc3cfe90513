package dev.vigile.common.web;

import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** JSON answers of the routes served by servlets (OAuth, shared signals), which JAX-RS does not write. */
public final class JsonResponses {
    private JsonResponses() {}

    /** Writes {@code body} as {@code application/json} in UTF-8 with this status and these headers. */
    public static void write(HttpServletResponse res, int status, JsonValue body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        headers.forEach(res::setHeader);
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
    }
}
