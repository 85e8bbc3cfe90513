package dev.vigile.notifications.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.notifications.control.AdminBroadcast;
import dev.vigile.notifications.control.NotificationService;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Admin broadcasts. */
@Path("/admin/notifications")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class AdminNotificationsResource {
    @Inject
    dev.vigile.common.web.Bodies bodies;

    @Inject
    AdminBroadcast broadcast;

    @Inject
    JsonWebToken jwt;

    /** Who receives it. */
    public static final class AudienceBody {
        @NotNull
        public String type;

        public String value;

        public String type() {
            return type;
        }

        public String value() {
            return value;
        }
    }

    /** {@code POST /api/admin/notifications}. */
    public static final class Send {
        @NotNull
        @Valid
        public AudienceBody audience;

        @NotNull
        @Size(min = 1, max = 200)
        public String title;

        @NotNull
        @Size(max = 4000)
        public String body;

        public JsonObject data;

        public AudienceBody audience() {
            return audience;
        }

        public String title() {
            return title;
        }

        public String body() {
            return body;
        }

        public JsonObject data() {
            return data;
        }
    }

    /**
     * {@code POST /api/admin/notifications} : 202 {@code {id, recipients}}: stored (once, for a role
     * or everyone), then pushed to the recipients' open connections on every instance. Audience
     * {@code user} (value: a user id), {@code role} (value: a role name; {@code recipients} counts
     * its enabled holders) or {@code all} (every enabled user). 400 bad audience or fields; 404
     * unknown user or role.
     */
    @POST
    @RolesAllowed(Permissions.NOTIFICATIONS_SEND)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response send(Send body) {
        bodies.check(body);
        NotificationService.Sent sent = broadcast.send(
                CurrentCaller.of(jwt),
                body.audience().type(),
                body.audience().value(),
                body.title(),
                body.body(),
                body.data() == null ? null : body.data().toString());
        return Response.accepted(Map.of("id", sent.messageId(), "recipients", sent.recipients()))
                .build();
    }
}
