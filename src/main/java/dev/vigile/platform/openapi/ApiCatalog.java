package dev.vigile.platform.openapi;

import dev.vigile.common.Permissions;
import java.util.List;

/**
 * What the OpenAPI document says about each route beyond what the code shows: a summary, who may
 * call it, its success status, the problems it can answer and an example body. One table, kept
 * next to the contract; {@code OpenApiIT} checks it against the served document.
 */
final class ApiCatalog {
    static final String PUBLIC = "public";

    record Entry(
            String method,
            String path,
            String tag,
            String summary,
            String access,
            int success,
            List<Integer> errors,
            String example) {}

    private static Entry e(
            String method,
            String path,
            String tag,
            String summary,
            String access,
            int success,
            List<Integer> errors,
            String example) {
        return new Entry(method, path, tag, summary, access, success, errors, example);
    }

    // spotless:off (a table: one route a line reads better than one argument a line)
    static final List<Entry> ENTRIES =
        List.of(
            e("POST", "/api/auth/register", "auth", "Create an account and sign in", PUBLIC, 201, List.of(400, 409, 413, 415),
                "{\"email\":\"ada@example.com\",\"password\":\"a long passphrase of yours\",\"displayName\":\"Ada\"}"),
            e("POST", "/api/auth/login", "auth", "Sign in with email and password", PUBLIC, 200, List.of(400, 401, 429),
                "{\"email\":\"ada@example.com\",\"password\":\"a long passphrase of yours\"}"),
            e("POST", "/api/auth/refresh", "auth", "Exchange a refresh token for new tokens (rotation)", PUBLIC, 200, List.of(400, 401),
                "{\"refreshToken\":\"<refresh token>\"}"),
            e("POST", "/api/auth/logout", "auth", "Revoke a refresh token's session", PUBLIC, 204, List.of(400),
                "{\"refreshToken\":\"<refresh token>\"}"),
            e("POST", "/api/auth/login/mfa", "auth", "Second sign-in step: a TOTP or recovery code, or a passkey's assertion, for the mfa_token", PUBLIC, 200, List.of(400, 401, 429),
                "{\"mfaToken\":\"<mfa_token of the 202>\",\"code\":\"123456\"}"),
            e("POST", "/api/auth/login/mfa/passkey-options", "auth", "Second sign-in step with a passkey: request options listing the user's passkeys", PUBLIC, 200, List.of(400, 401, 409, 429),
                "{\"mfaToken\":\"<mfa_token of the 202>\"}"),
            e("POST", "/api/auth/passkey/options", "auth", "Sign in with a passkey: request options for a discoverable credential (the body, {}, is not read)", PUBLIC, 200, List.of(429),
                null),
            e("POST", "/api/auth/passkey", "auth", "Sign in with a passkey: an AuthenticationResponseJSON for the challenge", PUBLIC, 200, List.of(400, 401, 403, 429),
                "{\"challengeId\":\"<challengeId of the options>\",\"credential\":{\"id\":\"...\",\"rawId\":\"...\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"...\",\"authenticatorData\":\"...\",\"signature\":\"...\",\"userHandle\":\"...\"},\"clientExtensionResults\":{}}}"),
            e("POST", "/api/auth/password-reset", "auth", "Mail a password-reset link (202 whether or not the account exists)", PUBLIC, 202, List.of(400, 429),
                "{\"email\":\"ada@example.com\"}"),
            e("POST", "/api/auth/password-reset/confirm", "auth", "Set a new password with the mailed token (and a second factor if enrolled)", PUBLIC, 204, List.of(400, 429),
                "{\"token\":\"<token of the link>\",\"newPassword\":\"a new long passphrase\"}"),
            e("POST", "/api/auth/verify-email", "auth", "Verify an address with the mailed token (registration or email change)", PUBLIC, 204, List.of(400, 409),
                "{\"token\":\"<token of the link>\"}"),
            e("POST", "/api/auth/logout-all", "auth", "Revoke every session of the caller", Permissions.SIGNED_IN, 204, List.of(), null),
            e("GET", "/api/auth/sessions", "auth", "The caller's active sessions (paged)", Permissions.SIGNED_IN, 200, List.of(400), null),
            e("DELETE", "/api/auth/sessions/{id}", "auth", "Revoke one of the caller's sessions", Permissions.SIGNED_IN, 204, List.of(404), null),
            e("GET", "/api/users/me", "users", "The caller's account", Permissions.SIGNED_IN, 200, List.of(), null),
            e("PATCH", "/api/users/me", "users", "Change the caller's profile (JSON merge patch of displayName, locale)", Permissions.SIGNED_IN, 200, List.of(400, 415),
                "{\"displayName\":\"Grace\"}"),
            e("PUT", "/api/users/me/password", "users", "Change the caller's password", Permissions.SIGNED_IN, 204, List.of(400, 409, 429),
                "{\"currentPassword\":\"the current one\",\"newPassword\":\"a new long passphrase\"}"),
            e("POST", "/api/users/me/verify-email", "users", "Mail a new verification link to the caller's address", Permissions.SIGNED_IN, 202, List.of(409, 429), null),
            e("PUT", "/api/users/me/email", "users", "Ask to change the caller's email (verified on the new address)", Permissions.SIGNED_IN, 202, List.of(400, 429),
                "{\"newEmail\":\"ada@new.example.com\",\"currentPassword\":\"the current one\"}"),
            e("POST", "/api/users/me/passkeys/options", "users", "Start adding a passkey: creation options (the current password required)", Permissions.SIGNED_IN, 200, List.of(400, 429),
                "{\"currentPassword\":\"the current one\"}"),
            e("POST", "/api/users/me/passkeys", "users", "Add a passkey: a RegistrationResponseJSON for the challenge, and a name", Permissions.SIGNED_IN, 201, List.of(400, 409),
                "{\"challengeId\":\"<challengeId of the options>\",\"name\":\"Laptop\",\"credential\":{\"id\":\"...\",\"rawId\":\"...\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"...\",\"attestationObject\":\"...\"},\"clientExtensionResults\":{}}}"),
            e("GET", "/api/users/me/passkeys", "users", "The caller's passkeys", Permissions.SIGNED_IN, 200, List.of(), null),
            e("PATCH", "/api/users/me/passkeys/{id}", "users", "Rename one of the caller's passkeys", Permissions.SIGNED_IN, 200, List.of(400, 404),
                "{\"name\":\"Work phone\"}"),
            e("DELETE", "/api/users/me/passkeys/{id}", "users", "Remove one of the caller's passkeys (its sessions end)", Permissions.SIGNED_IN, 204, List.of(404), null),
            e("POST", "/api/users/me/mfa/totp", "users", "Start a TOTP enrollment: secret, otpauth URI and QR code", Permissions.SIGNED_IN, 200, List.of(400, 409, 429),
                "{\"currentPassword\":\"the current one\"}"),
            e("POST", "/api/users/me/mfa/totp/confirm", "users", "Confirm the enrollment with a code: TOTP on, recovery codes shown once", Permissions.SIGNED_IN, 200, List.of(400, 409, 429),
                "{\"code\":\"123456\"}"),
            e("POST", "/api/users/me/mfa/recovery-codes", "users", "Replace the recovery codes (a code from the app required)", Permissions.SIGNED_IN, 200, List.of(400, 409, 429),
                "{\"code\":\"123456\"}"),
            e("DELETE", "/api/users/me/mfa", "users", "Turn MFA off (password and a code required)", Permissions.SIGNED_IN, 204, List.of(400, 409, 429),
                "{\"currentPassword\":\"the current one\",\"code\":\"123456\"}"),
            e("POST", "/api/users/me/mfa/disable", "users", "Turn MFA off, as DELETE /api/users/me/mfa without a body on a DELETE", Permissions.SIGNED_IN, 204, List.of(400, 409, 429),
                "{\"currentPassword\":\"the current one\",\"code\":\"123456\"}"),
            e("GET", "/api/users", "users", "List users (filters q, role, enabled; paged)", Permissions.USERS_READ, 200, List.of(400), null),
            e("GET", "/api/users/{id}", "users", "One user", Permissions.USERS_READ, 200, List.of(404), null),
            e("POST", "/api/users", "users", "Create a user", Permissions.USERS_WRITE, 201, List.of(400, 409),
                "{\"email\":\"grace@example.com\",\"password\":\"a long passphrase\",\"displayName\":\"Grace\",\"roles\":[\"USER\"],\"enabled\":true}"),
            e("PATCH", "/api/users/{id}", "users", "Change a user's displayName or enabled (JSON merge patch)", Permissions.USERS_WRITE, 200, List.of(400, 404, 409),
                "{\"enabled\":false}"),
            e("DELETE", "/api/users/{id}", "users", "Delete a user", Permissions.USERS_DELETE, 204, List.of(404, 409), null),
            e("GET", "/api/admin/users/{id}/sessions", "users", "A user's active sessions (paged)", Permissions.USERS_READ, 200, List.of(400, 404), null),
            e("DELETE", "/api/admin/users/{id}/sessions", "users", "Sign a user out everywhere", Permissions.USERS_WRITE, 204, List.of(404), null),
            e("DELETE", "/api/admin/users/{id}/mfa", "users", "Turn a user's MFA off (lost device)", Permissions.USERS_WRITE, 204, List.of(403, 404, 409), null),
            e("GET", "/api/admin/users/{id}/passkeys", "users", "A user's passkeys", Permissions.USERS_READ, 200, List.of(404), null),
            e("DELETE", "/api/admin/users/{id}/passkeys/{pid}", "users", "Remove a user's passkey (its sessions end)", Permissions.USERS_WRITE, 204, List.of(403, 404), null),
            e("PUT", "/api/admin/users/{id}/roles", "roles", "Set a user's roles", Permissions.ROLES_ASSIGN, 200, List.of(400, 404, 409),
                "{\"roles\":[\"USER\",\"SUPPORT\"]}"),
            e("GET", "/api/admin/roles", "roles", "Every role with its permissions and holders", Permissions.ROLES_READ, 200, List.of(), null),
            e("GET", "/api/admin/roles/{name}", "roles", "One role", Permissions.ROLES_READ, 200, List.of(404), null),
            e("POST", "/api/admin/roles", "roles", "Create a custom role", Permissions.ROLES_WRITE, 201, List.of(400, 409),
                "{\"name\":\"SUPPORT\",\"description\":\"Help desk\",\"permissions\":[\"users:read\"]}"),
            e("PUT", "/api/admin/roles/{name}", "roles", "Replace a role's description and permissions", Permissions.ROLES_WRITE, 200, List.of(400, 404, 409),
                "{\"description\":\"Help desk\",\"permissions\":[\"users:read\",\"audit:read\"]}"),
            e("DELETE", "/api/admin/roles/{name}", "roles", "Delete a custom role", Permissions.ROLES_WRITE, 204, List.of(404, 409), null),
            e("GET", "/api/admin/permissions", "roles", "Every permission", Permissions.ROLES_READ, 200, List.of(), null),
            e("GET", "/api/admin/dashboard", "admin", "Figures for the admin dashboard", Permissions.DASHBOARD_READ, 200, List.of(), null),
            e("GET", "/api/admin/audit", "audit", "Audit events, newest first (filters; paged, or before=<id>)", Permissions.AUDIT_READ, 200, List.of(400), null),
            e("GET", "/api/admin/audit/verify", "audit", "Recompute the audit hash chain (resume=true: only what was appended since the last that passed)", Permissions.AUDIT_READ, 200, List.of(400), null),
            e("GET", "/api/admin/audit/export", "audit", "Audit events as CSV, oldest first (streamed)", Permissions.AUDIT_READ, 200, List.of(400), null),
            e("POST", "/api/admin/notifications", "notifications", "Send a notification to a user, a role or everyone", Permissions.NOTIFICATIONS_SEND, 202, List.of(400, 404),
                "{\"audience\":{\"type\":\"role\",\"value\":\"SUPPORT\"},\"title\":\"Maintenance\",\"body\":\"Tonight at 22:00 UTC\",\"data\":{\"severity\":\"info\"}}"),
            e("GET", "/api/admin/clients", "clients", "Service accounts (paged; sort createdAt, name, clientId)", Permissions.CLIENTS_READ, 200, List.of(400), null),
            e("GET", "/api/admin/clients/{id}", "clients", "One service account (never its secrets)", Permissions.CLIENTS_READ, 200, List.of(404), null),
            e("POST", "/api/admin/clients", "clients", "Create a service account; its secret is shown once", Permissions.CLIENTS_WRITE, 201, List.of(400),
                "{\"name\":\"nightly export\",\"roles\":[\"READER\"],\"expiresAt\":\"2027-12-31T00:00:00Z\"}"),
            e("PATCH", "/api/admin/clients/{id}", "clients", "Rename, change roles or disable (roles and disabling cut its tokens off)", Permissions.CLIENTS_WRITE, 200, List.of(400, 404),
                "{\"enabled\":false}"),
            e("POST", "/api/admin/clients/{id}/secrets", "clients", "A second secret for a rotation (at most two)", Permissions.CLIENTS_WRITE, 201, List.of(404, 409), null),
            e("DELETE", "/api/admin/clients/{id}/secrets/{secretId}", "clients", "Remove a secret; the client's tokens are cut off", Permissions.CLIENTS_WRITE, 204, List.of(404), null),
            e("DELETE", "/api/admin/clients/{id}", "clients", "Delete a service account; its tokens are cut off", Permissions.CLIENTS_WRITE, 204, List.of(404), null),
            e("GET", "/api/notifications", "notifications", "The caller's notifications, newest first (unread=true; paged, or before=<id>)", Permissions.SIGNED_IN, 200, List.of(400), null),
            e("GET", "/api/notifications/unread-count", "notifications", "How many of the caller's notifications are unread", Permissions.SIGNED_IN, 200, List.of(), null),
            e("POST", "/api/notifications/{id}/read", "notifications", "Mark one notification read", Permissions.SIGNED_IN, 204, List.of(404), null),
            e("POST", "/api/notifications/read-all", "notifications", "Mark every notification read", Permissions.SIGNED_IN, 204, List.of(), null));
    // spotless:on

    /** A route served outside JAX-RS: what the document says of it. */
    record Served(
            String method,
            String path,
            String tag,
            String summary,
            String description,
            String bodyType,
            boolean bearer,
            List<Integer> statuses) {}

    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";

    // spotless:off
    static final List<Served> SERVED = List.of(
            new Served("GET", "/.well-known/oauth-authorization-server", "discovery", "OAuth 2.0 authorization server metadata (RFC 8414)",
                "issuer, jwks_uri, token_endpoint, introspection_endpoint and what they accept; nothing Vigile does not do.", null, false, List.of(200)),
            new Served("GET", "/.well-known/openid-configuration", "discovery", "The same metadata, where OpenID clients look for it",
                "Vigile issues no ID tokens: the document lists no authorization endpoint and no ID-token algorithm.", null, false, List.of(200)),
            new Served("GET", "/.well-known/jwks.json", "discovery", "The public keys that verify access tokens and security events",
                "RS256 keys by kid (RFC 7517).", null, false, List.of(200, 503)),
            new Served("GET", "/.well-known/ssf-configuration", "signals", "Shared Signals transmitter metadata (OpenID SSF 1.0)",
                "Delivery methods (push RFC 8935, poll RFC 8936) and the stream endpoints.", null, false, List.of(200)),
            new Served("POST", "/oauth2/token", "oauth2", "Client credentials grant (RFC 6749 section 4.4)",
                "Form: grant_type=client_credentials; the client by HTTP Basic or client_id and client_secret in the form. 200 {access_token, token_type, expires_in}; errors {error, error_description} (RFC 6749 section 5.2).",
                FORM, false, List.of(200, 400, 401, 413, 429)),
            new Served("POST", "/oauth2/introspect", "oauth2", "Token introspection (RFC 7662), for service accounts holding tokens:introspect",
                "Form: token=...; the caller by HTTP Basic or its bearer token. {\"active\": false} for any token Vigile would refuse.",
                FORM, true, List.of(200, 400, 401, 403, 429)),
            new Served("POST", "/ssf/streams", "signals", "Create the caller's stream (one per service account)",
                "{delivery: {method, endpoint_url?, authorization_header?}, events_requested, description?}", JSON, true, List.of(201, 400, 401, 403, 409)),
            new Served("GET", "/ssf/streams", "signals", "The caller's stream (stream_id=...) or its list", null, null, true, List.of(200, 401, 403, 404)),
            new Served("PATCH", "/ssf/streams", "signals", "Change the stream's delivery, events or description", "{stream_id, ...}", JSON, true, List.of(200, 400, 401, 403, 404, 413, 415)),
            new Served("PUT", "/ssf/streams", "signals", "Replace the stream's delivery, events or description", "{stream_id, ...}", JSON, true, List.of(200, 400, 401, 403, 404, 413, 415)),
            new Served("DELETE", "/ssf/streams", "signals", "Delete the stream and its undelivered events (stream_id=...)", null, null, true, List.of(204, 401, 403, 404)),
            new Served("GET", "/ssf/status", "signals", "The stream's status (stream_id=...)", null, null, true, List.of(200, 401, 403, 404)),
            new Served("POST", "/ssf/status", "signals", "Set the stream's status: enabled, paused or disabled", "{stream_id, status}", JSON, true, List.of(200, 400, 401, 403, 404, 413, 415)),
            new Served("POST", "/ssf/verify", "signals", "Queue a verification event", "{stream_id, state?}", JSON, true, List.of(204, 400, 401, 403, 404, 409, 413, 415)),
            new Served("POST", "/ssf/subjects:add", "signals", "Hear about a user again", "{stream_id, subject: {format: iss_sub, iss, sub}}", JSON, true, List.of(200, 400, 401, 403, 404, 413, 415)),
            new Served("POST", "/ssf/subjects:remove", "signals", "Stop hearing about a user", "{stream_id, subject: {format: iss_sub, iss, sub}}", JSON, true, List.of(200, 400, 401, 403, 404, 413, 415)),
            new Served("POST", "/ssf/poll", "signals", "Poll the stream (RFC 8936): acknowledge, then take the oldest events",
                "{maxEvents?, returnImmediately?, ack?: [jti], setErrs?: {jti: {err, description}}} -> {sets: {jti: SET}, moreAvailable}", JSON, true, List.of(200, 400, 401, 403, 404, 413, 415)));
    // spotless:on

    private ApiCatalog() {}
}
