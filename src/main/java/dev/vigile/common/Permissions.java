package dev.vigile.common;

import java.util.List;

/**
 * Every permission name, in one place. The access token's {@code groups} carries them next to the
 * role names, so {@code @RolesAllowed(Permissions.USERS_READ)} enforces a permission.
 */
public final class Permissions {
    public static final String USERS_READ = "users:read";
    public static final String USERS_WRITE = "users:write";
    public static final String USERS_DELETE = "users:delete";
    public static final String ROLES_READ = "roles:read";
    public static final String ROLES_WRITE = "roles:write";
    public static final String ROLES_ASSIGN = "roles:assign";
    public static final String AUDIT_READ = "audit:read";
    public static final String DASHBOARD_READ = "dashboard:read";
    public static final String NOTIFICATIONS_SEND = "notifications:send";
    public static final String CLIENTS_READ = "clients:read";
    public static final String CLIENTS_WRITE = "clients:write";
    public static final String TOKENS_INTROSPECT = "tokens:introspect";
    public static final String SSF_STREAMS = "ssf:streams";

    /**
     * The only group of a token whose user holds a role that requires MFA and has not yet passed
     * a second factor: it may enroll, nothing else.
     */
    public static final String MFA_ENROLLMENT = "mfa:enroll";

    /** Every signed-in user is in this group (every user has the USER role). */
    public static final String SIGNED_IN = "USER";

    public static final List<String> ALL = List.of(
            USERS_READ,
            USERS_WRITE,
            USERS_DELETE,
            ROLES_READ,
            ROLES_WRITE,
            ROLES_ASSIGN,
            AUDIT_READ,
            DASHBOARD_READ,
            NOTIFICATIONS_SEND,
            CLIENTS_READ,
            CLIENTS_WRITE,
            TOKENS_INTROSPECT,
            SSF_STREAMS);

    private Permissions() {}
}
