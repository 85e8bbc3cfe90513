package dev.vigile.notifications.control;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.identity.Directory;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/admin/notifications}: an administrator's notification to a user, the holders
 * of a role, or everyone; the audience checked against the directory and the message stored in
 * one unit of work, then pushed to open connections once it committed.
 */
@ApplicationScoped
public class AdminBroadcast {
    @Inject
    NotificationService notifications;

    @Inject
    Directory identity;

    @Inject
    UnitOfWork work;

    /** @param data the JSON object of the body's {@code data}, as text, or null */
    public NotificationService.Sent send(
            CurrentCaller caller, String audienceType, String audienceValue, String title, String body, String data) {
        return work.call(() -> notifications.send(
                audience(audienceType, audienceValue),
                NotificationKinds.ADMIN_BROADCAST,
                title.strip(),
                body,
                data,
                caller.userId(),
                caller.email()));
    }

    private Audience audience(String type, String value) {
        List<Problem.FieldError> errors = new ArrayList<>();
        switch (type) {
            case "all" -> {
                if (value != null) {
                    errors.add(new Problem.FieldError("audience.value", "must be absent for all"));
                } else {
                    return Audience.all();
                }
            }
            case "user" -> {
                try {
                    UUID id = UUID.fromString(String.valueOf(value));
                    if (!identity.userExists(id)) {
                        throw ApplicationException.notFound("No such user.");
                    }
                    return Audience.user(id);
                } catch (IllegalArgumentException e) {
                    errors.add(new Problem.FieldError("audience.value", "must be a user id"));
                }
            }
            case "role" -> {
                if (!Directory.roleNameShape(value)) {
                    errors.add(new Problem.FieldError("audience.value", "must be a role name"));
                } else if (!identity.roleExists(value)) {
                    throw ApplicationException.notFound("No such role.");
                } else {
                    return Audience.role(value);
                }
            }
            default -> errors.add(new Problem.FieldError("audience.type", "must be user, role or all"));
        }
        throw ApplicationException.invalid(errors);
    }
}
