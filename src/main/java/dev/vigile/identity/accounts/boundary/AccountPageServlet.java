package dev.vigile.identity.accounts.boundary;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The landing pages of mailed links, {@code /account/reset} and {@code /account/verify}: the
 * account page itself, which reads the token from the fragment (never sent to the server).
 */
public class AccountPageServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws ServletException, IOException {
        if (!"GET".equals(req.getMethod()) && !"HEAD".equals(req.getMethod())) {
            res.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            res.setHeader("Allow", "GET, HEAD");
            return;
        }
        req.getRequestDispatcher("/account/index.html").forward(req, res);
    }
}
