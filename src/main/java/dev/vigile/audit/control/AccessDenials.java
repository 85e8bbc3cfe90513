package dev.vigile.audit.control;

import dev.vigile.security.control.CurrentCaller;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Records {@code access.denied} when a signed-in caller is refused (403), in a transaction of its
 * own: by the time the error is mapped, the request's transaction has rolled back.
 */
public final class AccessDenials {
  private AccessDenials() {}

  public static void record(SecurityContext security, HttpServletRequest request, String reason) {
    if (security == null || !(security.getUserPrincipal() instanceof JsonWebToken jwt)) {
      return;
    }
    CurrentCaller caller = CurrentCaller.of(jwt);
    if (caller == null) {
      return;
    }
    String endpoint = request == null ? null : request.getMethod() + " " + request.getRequestURI();
    CDI.current()
        .select(AuditLog.class)
        .get()
        .recordAlone(
            AuditEntry.denied(AuditActions.ACCESS_DENIED)
                .actor(caller.userId(), caller.email())
                .target("endpoint", endpoint)
                .detail("reason", reason));
  }
}
