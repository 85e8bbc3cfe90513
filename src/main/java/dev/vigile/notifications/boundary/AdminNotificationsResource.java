package dev.vigile.notifications.boundary;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.notifications.control.Audience;
import dev.vigile.notifications.control.NotificationKinds;
import dev.vigile.notifications.control.NotificationService;
import dev.vigile.common.Permissions;
import dev.vigile.security.CurrentCaller;
import dev.vigile.identity.Directory;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Admin broadcasts. */
@Path("/admin/notifications")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class AdminNotificationsResource {
  @Inject dev.vigile.common.web.Bodies bodies;
  @Inject Sender sender;
  @Inject JsonWebToken jwt;

  /** Who receives it. */
  public static final class AudienceBody {
    @NotNull public String type;
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
    @NotNull @Valid public AudienceBody audience;
    @NotNull @Size(min = 1, max = 200) public String title;
    @NotNull @Size(max = 4000) public String body;
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
    NotificationService.Sent sent = sender.send(CurrentCaller.of(jwt), body);
    return Response.accepted(Map.of("id", sent.messageId(), "recipients", sent.recipients())).build();
  }

  /** Validation against the database and the send, in one transaction. */
  @jakarta.enterprise.context.ApplicationScoped
  public static class Sender {
    @Inject NotificationService notifications;
    @Inject Directory identity;

    @Transactional
    NotificationService.Sent send(CurrentCaller caller, Send body) {
      Audience audience = audience(body.audience());
      return notifications.send(
          audience,
          NotificationKinds.ADMIN_BROADCAST,
          body.title().strip(),
          body.body(),
          body.data() == null ? null : body.data().toString(),
          caller.userId(),
          caller.email());
    }

    private Audience audience(AudienceBody a) {
      List<Problem.FieldError> errors = new ArrayList<>();
      switch (a.type()) {
        case "all" -> {
          if (a.value() != null) {
            errors.add(new Problem.FieldError("audience.value", "must be absent for all"));
          } else {
            return Audience.all();
          }
        }
        case "user" -> {
          try {
            UUID id = UUID.fromString(String.valueOf(a.value()));
            if (!identity.userExists(id)) {
              throw ApplicationException.notFound("No such user.");
            }
            return Audience.user(id);
          } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError("audience.value", "must be a user id"));
          }
        }
        case "role" -> {
          if (!Directory.roleNameShape(a.value())) {
            errors.add(new Problem.FieldError("audience.value", "must be a role name"));
          } else if (!identity.roleExists(a.value())) {
            throw ApplicationException.notFound("No such role.");
          } else {
            return Audience.role(a.value());
          }
        }
        default -> errors.add(new Problem.FieldError("audience.type", "must be user, role or all"));
      }
      throw ApplicationException.invalid(errors);
    }
  }
}
