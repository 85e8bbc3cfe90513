package dev.vigile.notifications.control;

/** The kinds of notification Vigile raises. */
public final class NotificationKinds {
    public static final String ROLE_CHANGED = "role.changed";
    public static final String PASSWORD_CHANGED = "password.changed";
    public static final String SESSION_REVOKED = "session.revoked";
    public static final String REFRESH_REUSE = "security.refresh_reuse";
    public static final String ADMIN_BROADCAST = "admin.broadcast";
    public static final String MFA_CHANGED = "mfa.changed";
    public static final String PASSKEY_CHANGED = "passkey.changed";
    public static final String EMAIL_CHANGED = "email.changed";

    private NotificationKinds() {}
}
