package dev.vigile.identity.accounts.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.PatchBody;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.mail.MailTemplates;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** {@code PATCH /api/users/me}: the caller's profile fields only (display name, locale). */
@ApplicationScoped
public class ProfileUpdate {
    @Inject
    UserRepository users;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    public User update(CurrentCaller caller, PatchBody patch) {
        return work.call(() -> {
            User user = users.locked(caller.userId());
            String name = patch.text("displayName", Accounts.DISPLAY_NAME_MAX).orElse(null);
            String locale = patch.text("locale", 8).orElse(null);
            if (locale != null && !MailTemplates.LANGUAGES.contains(locale)) {
                throw ApplicationException.invalid("locale", "must be one of " + MailTemplates.LANGUAGES + " or null");
            }
            patch.validate();
            List<String> changed = new ArrayList<>();
            if (patch.has("displayName") && !Objects.equals(name, user.displayName())) {
                user.rename(name, clock.instant());
                changed.add("displayName");
            }
            if (patch.has("locale") && !Objects.equals(locale, user.locale())) {
                user.setLocale(locale, clock.instant());
                changed.add("locale");
            }
            if (!changed.isEmpty()) {
                audit.record(AuditEntry.success(AuditActions.USER_UPDATED)
                        .actor(caller.userId(), caller.email())
                        .target("user", user.id())
                        .detail("fields", changed));
            }
            return user;
        });
    }
}
