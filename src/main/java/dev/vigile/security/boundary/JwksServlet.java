package dev.vigile.security.boundary;

import dev.vigile.common.web.ErrorWriter;
import dev.vigile.security.control.KeyRing;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /.well-known/jwks.json} : 200, the public keys that verify access tokens. */
@WebServlet("/.well-known/jwks.json")
public class JwksServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        KeyRing ring = KeyRing.Current.get();
        if (ring == null) {
            ErrorWriter.write(req, res, 503, "Signing keys are not loaded yet.", null);
            return;
        }
        byte[] body = ring.jwksJson().getBytes(StandardCharsets.UTF_8);
        res.setContentType("application/jwk-set+json");
        res.setCharacterEncoding("UTF-8");
        // Public material: caches may keep it for a while (keys are published ahead of use).
        res.setHeader("Cache-Control", "public, max-age=300");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
