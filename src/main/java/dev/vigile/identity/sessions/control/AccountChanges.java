package dev.vigile.identity.sessions.control;

import dev.vigile.identity.events.EmailChanged;
import dev.vigile.identity.events.PasswordChanged;
import dev.vigile.identity.events.PasswordReset;
import dev.vigile.identity.events.RoleChanged;
import dev.vigile.identity.events.RolesChanged;
import dev.vigile.identity.events.SignedOutByAdmin;
import dev.vigile.identity.events.UserDeleted;
import dev.vigile.identity.events.UserDisabled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;

/**
 * What an account change means for sessions and tokens. Observed inside the changing transaction
 * (synchronous events), before notices are queued: the cut-off commits with the change.
 */
@ApplicationScoped
public class AccountChanges {
    @Inject
    CutOffs sessions;

    void on(@Observes @Priority(100) PasswordChanged e) {
        sessions.revokeAllBut(e.userId(), e.keptSessionId(), "password-changed");
    }

    void on(@Observes @Priority(100) PasswordReset e) {
        sessions.revokeAll(e.userId(), "password-reset");
    }

    /** Access tokens name the email ({@code upn}): those naming the old one end; sessions stay. */
    void on(@Observes @Priority(100) EmailChanged e) {
        sessions.cutOff(List.of(e.userId()));
    }

    void on(@Observes @Priority(100) UserDisabled e) {
        sessions.revokeAll(e.userId(), "disabled");
    }

    void on(@Observes @Priority(100) SignedOutByAdmin e) {
        sessions.revokeAll(e.userId(), "admin");
    }

    void on(@Observes @Priority(100) UserDeleted e) {
        sessions.forgetUser(e.userId());
    }

    void on(@Observes @Priority(100) RolesChanged e) {
        sessions.cutOff(List.of(e.userId()));
    }

    void on(@Observes @Priority(100) RoleChanged e) {
        sessions.cutOffRole(e.role());
    }
}
