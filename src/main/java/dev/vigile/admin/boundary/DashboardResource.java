package dev.vigile.admin.boundary;

import dev.vigile.admin.control.Dashboard;
import dev.vigile.audit.boundary.AuditEventResponse;
import dev.vigile.common.Permissions;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The admin dashboard's figures. */
@Path("/admin/dashboard")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {
    @Inject
    Dashboard dashboard;

    /** The dashboard as clients see it. */
    public record DashboardResponse(
            Dashboard.Users users,
            Dashboard.Sessions sessions,
            Dashboard.Logins logins,
            Dashboard.Realtime realtime,
            Dashboard.Cluster cluster,
            List<AuditEventResponse> recentAudit) {}

    /**
     * {@code GET /api/admin/dashboard} : 200 users (total, enabled, by role, new in 7 days), active
     * sessions, logins in the last 24 hours (with 24 hourly buckets, oldest first), live connections,
     * cluster members and the 10 newest audit events.
     */
    @GET
    @RolesAllowed(Permissions.DASHBOARD_READ)
    public DashboardResponse get() {
        Dashboard.Figures f = dashboard.figures();
        return new DashboardResponse(
                f.users(),
                f.sessions(),
                f.logins(),
                f.realtime(),
                f.cluster(),
                f.recentAudit().stream().map(AuditEventResponse::from).toList());
    }
}
