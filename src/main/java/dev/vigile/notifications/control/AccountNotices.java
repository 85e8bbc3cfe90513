package dev.vigile.notifications.control;

import dev.vigile.identity.events.EmailChanged;
import dev.vigile.identity.events.MfaChanged;
import dev.vigile.identity.events.PasswordChanged;
import dev.vigile.identity.events.PasswordReset;
import dev.vigile.identity.events.RefreshTokenReused;
import dev.vigile.identity.events.RolesChanged;
import dev.vigile.identity.events.SessionSignedOut;
import dev.vigile.identity.events.SignedOutByAdmin;
import dev.vigile.identity.events.SignedOutEverywhere;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;

/**
 * Tells users what happened to their account. Observed inside the changing transaction, so the
 * notice is stored with the change (and delivered once it commits).
 */
@ApplicationScoped
public class AccountNotices {
    @Inject
    NotificationService notifications;

    void on(@Observes @Priority(200) PasswordChanged e) {
        notifications.notifyUser(
                e.userId(),
                NotificationKinds.PASSWORD_CHANGED,
                "Your password was changed",
                "Every other session was signed out. If this was not you, reset your password now.",
                null);
    }

    void on(@Observes @Priority(200) PasswordReset e) {
        notifications.notifyUser(
                e.userId(),
                NotificationKinds.PASSWORD_CHANGED,
                "Your password was reset",
                "Your password was reset with a link sent to your email, and every session was signed out.",
                Json.createObjectBuilder().add("reset", true).build());
    }

    void on(@Observes @Priority(200) EmailChanged e) {
        notifications.notifyUser(
                e.userId(),
                NotificationKinds.EMAIL_CHANGED,
                "Your email address changed",
                "Your account's address is now " + e.newEmail() + ".",
                Json.createObjectBuilder().add("email", e.newEmail()).build());
    }

    void on(@Observes @Priority(200) MfaChanged e) {
        String body = switch (e.change()) {
            case "enabled" -> "Two-step verification was turned on for your account.";
            case "recovery_codes" -> "A new set of recovery codes was made; the old codes no longer work.";
            case "reset" -> "An administrator turned two-step verification off for your account.";
            default -> "Two-step verification was turned off for your account.";
        };
        notifications.notifyUser(
                e.userId(),
                NotificationKinds.MFA_CHANGED,
                "Two-step verification changed",
                body,
                Json.createObjectBuilder().add("change", e.change()).build());
    }

    void on(@Observes @Priority(200) dev.vigile.identity.events.PasskeyChanged e) {
        boolean added = "added".equals(e.change());
        String body = added
                ? "A passkey named \"" + e.name() + "\" was added to your account."
                : "The passkey named \"" + e.name() + "\" was removed from your account"
                        + (e.byAdmin() ? " by an administrator." : ".");
        notifications.notifyUser(
                e.userId(),
                NotificationKinds.PASSKEY_CHANGED,
                added ? "A passkey was added" : "A passkey was removed",
                body,
                Json.createObjectBuilder()
                        .add("change", e.change())
                        .add("passkey", e.passkeyId().toString())
                        .add("name", e.name())
                        .build());
    }

    void on(@Observes @Priority(200) SignedOutByAdmin e) {
        notifications.notifyUser(
                e.userId(),
                NotificationKinds.SESSION_REVOKED,
                "You were signed out everywhere",
                "An administrator signed out every session of your account.",
                Json.createObjectBuilder().add("all", true).build());
    }

    void on(@Observes @Priority(200) RolesChanged e) {
        notifications.notifyUser(
                e.userId(),
                NotificationKinds.ROLE_CHANGED,
                "Your roles changed",
                "Your roles are now: " + String.join(", ", e.roles()) + ".",
                Json.createObjectBuilder()
                        .add("roles", Json.createArrayBuilder(e.roles()))
                        .add("added", Json.createArrayBuilder(e.added()))
                        .add("removed", Json.createArrayBuilder(e.removed()))
                        .build());
    }

    void on(@Observes @Priority(200) SignedOutEverywhere e) {
        notifications.notifyUser(
                e.userId(),
                NotificationKinds.SESSION_REVOKED,
                "You were signed out everywhere",
                "Every session of your account was signed out.",
                Json.createObjectBuilder().add("all", true).build());
    }

    void on(@Observes @Priority(200) SessionSignedOut e) {
        notifications.notifyUser(
                e.userId(),
                NotificationKinds.SESSION_REVOKED,
                "A session was signed out",
                "One of your sessions was signed out.",
                Json.createObjectBuilder()
                        .add("session", e.sessionId().toString())
                        .build());
    }

    void on(@Observes @Priority(200) RefreshTokenReused e) {
        notifications.notifyUser(
                e.userId(),
                NotificationKinds.REFRESH_REUSE,
                "A sign-in token was reused",
                "A refresh token of one of your sessions was presented twice, so that session was signed"
                        + " out. If you did not expect this, change your password.",
                Json.createObjectBuilder()
                        .add("session", e.sessionId().toString())
                        .build());
    }
}
