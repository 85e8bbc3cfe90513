package dev.vigile.audit;

/** Every audited action, in one place (the contract's list and a few more). */
public final class AuditActions {
    public static final String AUTH_REGISTER = "auth.register";
    public static final String AUTH_LOGIN = "auth.login";
    public static final String AUTH_LOGIN_FAILED = "auth.login.failed";
    public static final String AUTH_REFRESH = "auth.refresh";
    public static final String AUTH_REFRESH_REUSE = "auth.refresh.reuse";
    public static final String AUTH_LOGOUT = "auth.logout";
    public static final String AUTH_LOGOUT_ALL = "auth.logout.all";
    public static final String AUTH_SESSION_REVOKED = "auth.session.revoked";
    public static final String AUTH_PASSWORD_CHANGED = "auth.password.changed";
    public static final String AUTH_PASSWORD_RESET_REQUESTED = "auth.password.reset.requested";
    public static final String AUTH_PASSWORD_RESET = "auth.password.reset";
    public static final String AUTH_LOGIN_MFA_FAILED = "auth.login.mfa.failed";
    public static final String USER_EMAIL_VERIFIED = "user.email.verified";
    public static final String USER_EMAIL_CHANGE_REQUESTED = "user.email.change.requested";
    public static final String USER_EMAIL_CHANGED = "user.email.changed";
    public static final String USER_MFA_ENABLED = "user.mfa.enabled";
    public static final String USER_MFA_DISABLED = "user.mfa.disabled";
    public static final String USER_MFA_RECOVERY_CODES = "user.mfa.recovery_codes";
    public static final String USER_PASSKEY_ADDED = "user.passkey.added";
    public static final String USER_PASSKEY_REMOVED = "user.passkey.removed";
    public static final String USER_PASSKEY_RENAMED = "user.passkey.renamed";
    public static final String AUTH_PASSKEY_CLONED = "auth.passkey.cloned";
    public static final String USER_CREATED = "user.created";
    public static final String USER_UPDATED = "user.updated";
    public static final String USER_DELETED = "user.deleted";
    public static final String USER_ROLES_CHANGED = "user.roles.changed";
    public static final String ROLE_CREATED = "role.created";
    public static final String ROLE_UPDATED = "role.updated";
    public static final String ROLE_DELETED = "role.deleted";
    public static final String CLIENT_CREATED = "client.created";
    public static final String CLIENT_UPDATED = "client.updated";
    public static final String CLIENT_DELETED = "client.deleted";
    public static final String CLIENT_SECRET_CREATED = "client.secret.created";
    public static final String CLIENT_SECRET_DELETED = "client.secret.deleted";
    public static final String CLIENT_TOKEN = "client.token";
    public static final String CLIENT_TOKEN_FAILED = "client.token.failed";
    public static final String ACCESS_DENIED = "access.denied";
    public static final String AUDIT_EXPORTED = "audit.exported";
    /** Events older than the retention archived and removed (issue 37). */
    public static final String AUDIT_ARCHIVED = "audit.archived";

    public static final String NOTIFICATION_SENT = "notification.sent";

    private AuditActions() {}
}
