package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static dev.vigile.it.Api.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every endpoint × {anonymous, USER, a custom role, ADMIN}, generated from the one table below.
 * A second test reads every JAX-RS resource method in the WAR's classes and fails if one is
 * missing from the table, so a new endpoint cannot be left out.
 */
@SharedServer
class AccessMatrixIT {
    static final String PUBLIC = "(public)";
    static final String SIGNED_IN = "(signed in)";

    /** The custom role's permissions: some read rights, no write right. */
    static final Set<String> CUSTOM_PERMISSIONS = Set.of("users:read", "roles:read", "audit:read", "dashboard:read");

    static final Api api = new Api();
    static String admin;
    static String customRole;
    static String emptyRole;

    /** Who calls. */
    enum Caller {
        ANONYMOUS,
        USER,
        CUSTOM,
        ADMIN
    }

    /** What one call needs: its caller's account (null for anonymous) is given. */
    record Call(String path, JsonNode body) {}

    /**
     * One endpoint: method, path as the contract writes it, what it requires, the status of
     * success, and how to build a call (fresh targets for each cell).
     */
    record Endpoint(String method, String path, String requires, int success, Function<Api.Account, Call> call) {}

    static final List<Endpoint> TABLE = List.of(
            // Auth
            new Endpoint(
                    "POST",
                    "/api/auth/register",
                    PUBLIC,
                    201,
                    a -> new Call(
                            "/api/auth/register",
                            obj("email", uniqueEmail(), "password", "matrix passphrase " + UUID.randomUUID()))),
            new Endpoint("POST", "/api/auth/login", PUBLIC, 200, a -> {
                Api.Account target = api.account(admin);
                return new Call("/api/auth/login", obj("email", target.email(), "password", target.password()));
            }),
            new Endpoint(
                    "POST",
                    "/api/auth/refresh",
                    PUBLIC,
                    200,
                    a -> new Call(
                            "/api/auth/refresh",
                            obj("refreshToken", api.account(admin).refreshToken()))),
            new Endpoint(
                    "POST",
                    "/api/auth/logout",
                    PUBLIC,
                    204,
                    a -> new Call(
                            "/api/auth/logout",
                            obj("refreshToken", api.account(admin).refreshToken()))),
            new Endpoint("POST", "/api/auth/logout-all", SIGNED_IN, 204, a -> new Call("/api/auth/logout-all", null)),
            new Endpoint("GET", "/api/auth/sessions", SIGNED_IN, 200, a -> new Call("/api/auth/sessions", null)),
            new Endpoint(
                    "DELETE",
                    "/api/auth/sessions/{id}",
                    SIGNED_IN,
                    204,
                    a -> new Call(
                            "/api/auth/sessions/"
                                    + (a == null
                                            ? UUID.randomUUID()
                                            : Api.claims(a.token()).get("sid").asText()),
                            null)),
            new Endpoint("POST", "/api/auth/login/mfa", PUBLIC, 200, a -> {
                Api.Account target = api.account(admin);
                MfaIT.confirmEnrollment(
                        api, target.token(), MfaIT.startEnrollment(api, target.token(), target.password()));
                Api.Res first = api.login(target.email(), target.password());
                assertEquals(202, first.status(), first.toString());
                return new Call(
                        "/api/auth/login/mfa",
                        obj(
                                "mfaToken",
                                first.json().get("mfa_token").asText(),
                                "code",
                                MfaIT.code(AccessMatrixIT.lastSecret, MfaIT.currentStep() + 1)));
            }),
            new Endpoint(
                    "POST",
                    "/api/auth/passkey/options",
                    PUBLIC,
                    200,
                    a -> new Call("/api/auth/passkey/options", obj())),
            new Endpoint("POST", "/api/auth/passkey", PUBLIC, 200, a -> {
                Api.Account target = api.account(admin);
                TestAuthenticator key = new TestAuthenticator(TestServer.get().webAuthnOrigin());
                PasskeysIT.addPasskey(api, key, target.token(), target.password(), "matrix");
                JsonNode options = PasskeysIT.signInOptions(api);
                return new Call(
                        "/api/auth/passkey",
                        obj(
                                "challengeId",
                                options.get("challengeId").asText(),
                                "credential",
                                key.assertion(options.get("publicKey"))));
            }),
            new Endpoint("POST", "/api/auth/login/mfa/passkey-options", PUBLIC, 200, a -> {
                Api.Account target = api.account(admin);
                TestAuthenticator key = new TestAuthenticator(TestServer.get().webAuthnOrigin());
                PasskeysIT.addPasskey(api, key, target.token(), target.password(), "matrix");
                MfaIT.confirmEnrollment(
                        api, target.token(), MfaIT.startEnrollment(api, target.token(), target.password()));
                Api.Res first = api.login(target.email(), target.password());
                assertEquals(202, first.status(), first.toString());
                return new Call(
                        "/api/auth/login/mfa/passkey-options",
                        obj("mfaToken", first.json().get("mfa_token").asText()));
            }),
            new Endpoint(
                    "POST",
                    "/api/auth/password-reset",
                    PUBLIC,
                    202,
                    a -> new Call("/api/auth/password-reset", obj("email", uniqueEmail()))),
            new Endpoint("POST", "/api/auth/password-reset/confirm", PUBLIC, 204, a -> {
                Api.Account target = api.account(admin);
                assertEquals(
                        202,
                        api.post("/api/auth/password-reset", obj("email", target.email()))
                                .status());
                String token = TestMail.awaitSubject(target.email(), "Reset your password")
                        .token();
                return new Call(
                        "/api/auth/password-reset/confirm",
                        obj("token", token, "newPassword", "a reset matrix passphrase " + UUID.randomUUID()));
            }),
            new Endpoint("POST", "/api/auth/verify-email", PUBLIC, 204, a -> {
                Api.Account target = api.account(admin);
                return new Call(
                        "/api/auth/verify-email",
                        obj(
                                "token",
                                TestMail.awaitSubject(target.email(), "Confirm your email address")
                                        .token()));
            }),
            new Endpoint("GET", "/.well-known/jwks.json", PUBLIC, 200, a -> new Call("/.well-known/jwks.json", null)),
            new Endpoint(
                    "GET",
                    "/.well-known/openid-configuration",
                    PUBLIC,
                    200,
                    a -> new Call("/.well-known/openid-configuration", null)),
            new Endpoint(
                    "GET",
                    "/.well-known/oauth-authorization-server",
                    PUBLIC,
                    200,
                    a -> new Call("/.well-known/oauth-authorization-server", null)),
            // Service accounts
            new Endpoint("GET", "/api/admin/clients", "clients:read", 200, a -> new Call("/api/admin/clients", null)),
            new Endpoint(
                    "GET",
                    "/api/admin/clients/{id}",
                    "clients:read",
                    200,
                    a -> new Call("/api/admin/clients/" + newClient(), null)),
            new Endpoint(
                    "POST",
                    "/api/admin/clients",
                    "clients:write",
                    201,
                    a -> new Call("/api/admin/clients", obj("name", "matrix", "roles", List.of()))),
            new Endpoint(
                    "PATCH",
                    "/api/admin/clients/{id}",
                    "clients:write",
                    200,
                    a -> new Call("/api/admin/clients/" + newClient(), obj("name", "renamed"))),
            new Endpoint(
                    "POST",
                    "/api/admin/clients/{id}/secrets",
                    "clients:write",
                    201,
                    a -> new Call("/api/admin/clients/" + newClient() + "/secrets", null)),
            new Endpoint("DELETE", "/api/admin/clients/{id}/secrets/{secretId}", "clients:write", 204, a -> {
                String id = newClient();
                String secret = api.get("/api/admin/clients/" + id, admin)
                        .json()
                        .get("secrets")
                        .get(0)
                        .get("id")
                        .asText();
                return new Call("/api/admin/clients/" + id + "/secrets/" + secret, null);
            }),
            new Endpoint(
                    "DELETE",
                    "/api/admin/clients/{id}",
                    "clients:write",
                    204,
                    a -> new Call("/api/admin/clients/" + newClient(), null)),
            // Users
            new Endpoint("GET", "/api/users/me", SIGNED_IN, 200, a -> new Call("/api/users/me", null)),
            new Endpoint(
                    "PATCH",
                    "/api/users/me",
                    SIGNED_IN,
                    200,
                    a -> new Call("/api/users/me", obj("displayName", "Matrix"))),
            new Endpoint(
                    "PUT",
                    "/api/users/me/password",
                    SIGNED_IN,
                    204,
                    a -> new Call(
                            "/api/users/me/password",
                            obj(
                                    "currentPassword",
                                    a == null ? "whatever it was" : a.password(),
                                    "newPassword",
                                    "a new matrix passphrase " + UUID.randomUUID()))),
            new Endpoint(
                    "POST",
                    "/api/users/me/verify-email",
                    SIGNED_IN,
                    202,
                    a -> new Call("/api/users/me/verify-email", null)),
            new Endpoint(
                    "PUT",
                    "/api/users/me/email",
                    SIGNED_IN,
                    202,
                    a -> new Call(
                            "/api/users/me/email",
                            obj(
                                    "newEmail",
                                    uniqueEmail(),
                                    "currentPassword",
                                    a == null ? "whatever it was" : a.password()))),
            new Endpoint(
                    "POST",
                    "/api/users/me/mfa/totp",
                    SIGNED_IN,
                    200,
                    a -> new Call(
                            "/api/users/me/mfa/totp",
                            obj("currentPassword", a == null ? "whatever it was" : a.password()))),
            new Endpoint("POST", "/api/users/me/mfa/totp/confirm", SIGNED_IN, 200, a -> {
                String secret = a == null
                        ? "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
                        : MfaIT.startEnrollment(api, a.token(), a.password());
                return new Call("/api/users/me/mfa/totp/confirm", obj("code", MfaIT.code(secret, MfaIT.currentStep())));
            }),
            new Endpoint(
                    "POST",
                    "/api/users/me/mfa/recovery-codes",
                    SIGNED_IN,
                    200,
                    a -> new Call("/api/users/me/mfa/recovery-codes", obj("code", enrolledCode(a)))),
            new Endpoint(
                    "DELETE",
                    "/api/users/me/mfa",
                    SIGNED_IN,
                    204,
                    a -> new Call(
                            "/api/users/me/mfa",
                            obj(
                                    "currentPassword",
                                    a == null ? "whatever it was" : a.password(),
                                    "code",
                                    enrolledCode(a)))),
            new Endpoint(
                    "POST",
                    "/api/users/me/mfa/disable",
                    SIGNED_IN,
                    204,
                    a -> new Call(
                            "/api/users/me/mfa/disable",
                            obj(
                                    "currentPassword",
                                    a == null ? "whatever it was" : a.password(),
                                    "code",
                                    enrolledCode(a)))),
            new Endpoint(
                    "POST",
                    "/api/users/me/passkeys/options",
                    SIGNED_IN,
                    200,
                    a -> new Call(
                            "/api/users/me/passkeys/options",
                            obj("currentPassword", a == null ? "whatever it was" : a.password()))),
            new Endpoint("POST", "/api/users/me/passkeys", SIGNED_IN, 201, a -> {
                if (a == null) {
                    return new Call(
                            "/api/users/me/passkeys",
                            obj("challengeId", UUID.randomUUID().toString(), "credential", obj("type", "public-key")));
                }
                JsonNode options = PasskeysIT.creationOptions(api, a.token(), a.password());
                TestAuthenticator key = new TestAuthenticator(TestServer.get().webAuthnOrigin());
                return new Call(
                        "/api/users/me/passkeys",
                        obj(
                                "challengeId",
                                options.get("challengeId").asText(),
                                "credential",
                                key.register(options.get("publicKey"))));
            }),
            new Endpoint(
                    "GET", "/api/users/me/passkeys", SIGNED_IN, 200, a -> new Call("/api/users/me/passkeys", null)),
            new Endpoint(
                    "PATCH",
                    "/api/users/me/passkeys/{id}",
                    SIGNED_IN,
                    200,
                    a -> new Call("/api/users/me/passkeys/" + ownPasskey(a), obj("name", "renamed"))),
            new Endpoint(
                    "DELETE",
                    "/api/users/me/passkeys/{id}",
                    SIGNED_IN,
                    204,
                    a -> new Call("/api/users/me/passkeys/" + ownPasskey(a), null)),
            new Endpoint("GET", "/api/admin/users/{id}/passkeys", "users:read", 200, a -> {
                Api.Account target = api.account(admin);
                return new Call("/api/admin/users/" + target.id() + "/passkeys", null);
            }),
            new Endpoint("DELETE", "/api/admin/users/{id}/passkeys/{pid}", "users:write", 204, a -> {
                Api.Account target = api.account(admin);
                TestAuthenticator key = new TestAuthenticator(TestServer.get().webAuthnOrigin());
                String id = PasskeysIT.addPasskey(api, key, target.token(), target.password(), "matrix")
                        .get("id")
                        .asText();
                return new Call("/api/admin/users/" + target.id() + "/passkeys/" + id, null);
            }),
            new Endpoint("GET", "/api/users", "users:read", 200, a -> new Call("/api/users?size=5", null)),
            new Endpoint(
                    "GET",
                    "/api/users/{id}",
                    "users:read",
                    200,
                    a -> new Call("/api/users/" + api.account(admin).id(), null)),
            new Endpoint(
                    "POST",
                    "/api/users",
                    "users:write",
                    201,
                    a -> new Call(
                            "/api/users",
                            obj("email", uniqueEmail(), "password", "matrix passphrase " + UUID.randomUUID()))),
            new Endpoint(
                    "PATCH",
                    "/api/users/{id}",
                    "users:write",
                    200,
                    a -> new Call("/api/users/" + api.account(admin).id(), obj("displayName", "Renamed"))),
            new Endpoint(
                    "DELETE",
                    "/api/users/{id}",
                    "users:delete",
                    204,
                    a -> new Call("/api/users/" + api.account(admin).id(), null)),
            // Admin
            new Endpoint(
                    "DELETE",
                    "/api/admin/users/{id}/sessions",
                    "users:write",
                    204,
                    a -> new Call("/api/admin/users/" + api.account(admin).id() + "/sessions", null)),
            new Endpoint(
                    "GET",
                    "/api/admin/users/{id}/sessions",
                    "users:read",
                    200,
                    a -> new Call("/api/admin/users/" + api.account(admin).id() + "/sessions", null)),
            new Endpoint("DELETE", "/api/admin/users/{id}/mfa", "users:write", 204, a -> {
                Api.Account target = api.account(admin);
                MfaIT.confirmEnrollment(
                        api, target.token(), MfaIT.startEnrollment(api, target.token(), target.password()));
                return new Call("/api/admin/users/" + target.id() + "/mfa", null);
            }),
            new Endpoint(
                    "PUT",
                    "/api/admin/users/{id}/roles",
                    "roles:assign",
                    200,
                    a -> new Call(
                            "/api/admin/users/" + api.account(admin).id() + "/roles",
                            obj("roles", List.of("USER", emptyRole)))),
            new Endpoint("GET", "/api/admin/roles", "roles:read", 200, a -> new Call("/api/admin/roles", null)),
            new Endpoint(
                    "GET", "/api/admin/roles/{name}", "roles:read", 200, a -> new Call("/api/admin/roles/ADMIN", null)),
            new Endpoint(
                    "POST",
                    "/api/admin/roles",
                    "roles:write",
                    201,
                    a -> new Call("/api/admin/roles", obj("name", Api.uniqueRole("M"), "permissions", List.of()))),
            new Endpoint(
                    "PUT",
                    "/api/admin/roles/{name}",
                    "roles:write",
                    200,
                    a -> new Call(
                            "/api/admin/roles/" + newRole(), obj("description", "changed", "permissions", List.of()))),
            new Endpoint(
                    "DELETE",
                    "/api/admin/roles/{name}",
                    "roles:write",
                    204,
                    a -> new Call("/api/admin/roles/" + newRole(), null)),
            new Endpoint(
                    "GET", "/api/admin/permissions", "roles:read", 200, a -> new Call("/api/admin/permissions", null)),
            new Endpoint(
                    "GET", "/api/admin/dashboard", "dashboard:read", 200, a -> new Call("/api/admin/dashboard", null)),
            new Endpoint("GET", "/api/admin/audit", "audit:read", 200, a -> new Call("/api/admin/audit?size=5", null)),
            new Endpoint(
                    "GET",
                    "/api/admin/audit/verify",
                    "audit:read",
                    200,
                    a -> new Call("/api/admin/audit/verify", null)),
            new Endpoint(
                    "GET",
                    "/api/admin/audit/export",
                    "audit:read",
                    200,
                    a -> new Call("/api/admin/audit/export?action=role.created", null)),
            new Endpoint(
                    "POST",
                    "/api/admin/notifications",
                    "notifications:send",
                    202,
                    a -> new Call(
                            "/api/admin/notifications",
                            obj(
                                    "audience",
                                    obj(
                                            "type",
                                            "user",
                                            "value",
                                            api.account(admin).id()),
                                    "title",
                                    "Matrix",
                                    "body",
                                    "cell"))),
            // Notifications
            new Endpoint(
                    "GET", "/api/notifications", SIGNED_IN, 200, a -> new Call("/api/notifications?unread=true", null)),
            new Endpoint(
                    "GET",
                    "/api/notifications/unread-count",
                    SIGNED_IN,
                    200,
                    a -> new Call("/api/notifications/unread-count", null)),
            new Endpoint(
                    "POST",
                    "/api/notifications/{id}/read",
                    SIGNED_IN,
                    204,
                    a -> new Call("/api/notifications/" + ownNotification(a) + "/read", null)),
            new Endpoint(
                    "POST",
                    "/api/notifications/read-all",
                    SIGNED_IN,
                    204,
                    a -> new Call("/api/notifications/read-all", null)));

    /** The secret of the last enrollment a cell made. */
    static String lastSecret;

    /** Turns MFA on for the caller and gives a code the server has not yet accepted (any for anonymous). */
    static String enrolledCode(Api.Account a) {
        if (a == null) {
            return "123456";
        }
        String secret = MfaIT.startEnrollment(api, a.token(), a.password());
        long step = MfaIT.confirmEnrollment(api, a.token(), secret);
        return MfaIT.code(secret, step + 1);
    }

    /** A notification in the caller's inbox (any id for anonymous). */
    static long ownNotification(Api.Account a) {
        if (a == null) {
            return 1;
        }
        Api.Res sent = api.post(
                "/api/admin/notifications",
                obj("audience", obj("type", "user", "value", a.id()), "title", "yours", "body", "to read"),
                admin);
        assertEquals(202, sent.status(), sent.toString());
        return api.get("/api/notifications", a.token())
                .json()
                .get("items")
                .get(0)
                .get("id")
                .asLong();
    }

    /** A passkey of the caller's (a random id for an anonymous call, which is refused first). */
    static String ownPasskey(Api.Account a) {
        if (a == null) {
            return UUID.randomUUID().toString();
        }
        TestAuthenticator key = new TestAuthenticator(TestServer.get().webAuthnOrigin());
        return PasskeysIT.addPasskey(api, key, a.token(), a.password(), "matrix")
                .get("id")
                .asText();
    }

    /** Endpoints served outside JAX-RS, which the class scan cannot see. */
    static final Set<String> SERVLETS = Set.of(
            "GET /.well-known/jwks.json",
            "GET /.well-known/openid-configuration",
            "GET /.well-known/oauth-authorization-server");

    @BeforeAll
    static void roles() {
        admin = api.adminToken();
        customRole = Api.uniqueRole("CUSTOM");
        Api.Res r = api.post(
                "/api/admin/roles", obj("name", customRole, "permissions", List.copyOf(CUSTOM_PERMISSIONS)), admin);
        assertEquals(201, r.status(), r.toString());
        emptyRole = newRole();
    }

    static String newRole() {
        String name = Api.uniqueRole("M");
        Api.Res r = api.post("/api/admin/roles", obj("name", name, "permissions", List.of()), admin);
        assertEquals(201, r.status(), r.toString());
        return name;
    }

    /** A service account without roles, made by the admin: its id. */
    static String newClient() {
        Api.Res r = api.post("/api/admin/clients", obj("name", "matrix target", "roles", List.of()), admin);
        assertEquals(201, r.status(), r.toString());
        return r.json().get("id").asText();
    }

    static boolean allowed(Caller caller, String requires) {
        return switch (caller) {
            case ANONYMOUS -> requires.equals(PUBLIC);
            case USER -> requires.equals(PUBLIC) || requires.equals(SIGNED_IN);
            case CUSTOM -> !requires.contains(":") || CUSTOM_PERMISSIONS.contains(requires);
            case ADMIN -> true;
        };
    }

    static Api.Account principal(Caller caller) {
        return switch (caller) {
            case ANONYMOUS -> null;
            case USER -> api.account(admin);
            case CUSTOM -> api.account(admin, customRole);
            case ADMIN -> api.account(admin, "ADMIN");
        };
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointAgainstEveryCaller() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Endpoint e : TABLE) {
            for (Caller caller : Caller.values()) {
                tests.add(DynamicTest.dynamicTest(e.method() + " " + e.path() + " as " + caller, () -> {
                    Api.Account who = principal(caller);
                    Call call = e.call().apply(who);
                    Api.Res r = api.call(e.method(), call.path(), call.body(), who == null ? null : who.token());
                    if (allowed(caller, e.requires())) {
                        assertEquals(e.success(), r.status(), r.toString());
                        if (r.status() == 204 || (r.status() == 202 && r.body().isEmpty())) {
                            assertEquals("", r.body(), "204 has no body");
                        } else {
                            String type = r.header("Content-Type");
                            assertTrue(
                                    type.startsWith("application/json")
                                            || type.startsWith("application/jwk-set+json")
                                            || type.startsWith("text/csv"),
                                    type);
                            assertTrue(
                                    r.body().startsWith("{")
                                            || r.body().startsWith("[")
                                            || r.body().startsWith("id,"),
                                    r.body());
                        }
                    } else if (caller == Caller.ANONYMOUS) {
                        assertEquals(401, r.status(), r.toString());
                        assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"), r.header("WWW-Authenticate"));
                        assertEquals("application/problem+json", r.header("Content-Type"));
                        assertEquals(401, r.json().get("status").asInt());
                    } else {
                        assertEquals(403, r.status(), r.toString());
                        assertEquals("application/problem+json", r.header("Content-Type"));
                        assertEquals(
                                "https://vigile.dev/problems/forbidden",
                                r.json().get("type").asText());
                        assertEquals(
                                call.path().replaceFirst("\\?.*", ""),
                                r.json().get("instance").asText());
                    }
                }));
            }
        }
        return tests.stream();
    }

    /**
     * Routes that act on the user named in the path, with the call that does it: a caller holding
     * the route's permission but not every permission of the target gets 403 and changes nothing.
     */
    static final java.util.Map<String, Function<String, Call>> ACTING_ON_A_USER = java.util.Map.of(
            "PATCH /api/users/{id}", id -> new Call("/api/users/" + id, obj("enabled", false)),
            "DELETE /api/users/{id}", id -> new Call("/api/users/" + id, null),
            "DELETE /api/admin/users/{id}/sessions", id -> new Call("/api/admin/users/" + id + "/sessions", null),
            "DELETE /api/admin/users/{id}/mfa", id -> new Call("/api/admin/users/" + id + "/mfa", null),
            // Refused before the passkey is looked for: PasskeysIT shows an ADMIN's real passkey surviving.
            "DELETE /api/admin/users/{id}/passkeys/{pid}",
                    id -> new Call("/api/admin/users/" + id + "/passkeys/" + UUID.randomUUID(), null),
            "PUT /api/admin/users/{id}/roles",
                    id -> new Call("/api/admin/users/" + id + "/roles", obj("roles", List.of("ADMIN", emptyRole))));

    @Test
    void everyRouteActingOnAUserIsCoveredByTheMorePrivilegedTargetCase() {
        Set<String> acting = new TreeSet<>();
        TABLE.stream()
                .filter(e -> e.path().contains("/users/{id}") && !e.method().equals("GET"))
                .forEach(e -> acting.add(e.method() + " " + e.path()));
        assertEquals(acting, new TreeSet<>(ACTING_ON_A_USER.keySet()));
    }

    @TestFactory
    Stream<DynamicTest> aTargetMorePrivilegedThanTheCallerIsOutOfReach() {
        // Every user-management permission, but not audit:read or notifications:send, which ADMIN has.
        List<String> permissions = List.of("users:read", "users:write", "users:delete", "roles:read", "roles:assign");
        return ACTING_ON_A_USER.entrySet().stream()
                .map(route -> DynamicTest.dynamicTest(route.getKey() + " over an ADMIN", () -> {
                    String role = Api.uniqueRole("LESSER");
                    assertEquals(
                            201,
                            api.post("/api/admin/roles", obj("name", role, "permissions", permissions), admin)
                                    .status());
                    Api.Account caller = api.account(admin, role);
                    Api.Account target = api.account(admin, "ADMIN");
                    Call call = route.getValue().apply(target.id());
                    String method = route.getKey().substring(0, route.getKey().indexOf(' '));
                    Api.Res r = api.call(method, call.path(), call.body(), caller.token());
                    assertEquals(403, r.status(), r.toString());
                    assertEquals("application/problem+json", r.header("Content-Type"));
                    assertEquals(
                            "https://vigile.dev/problems/forbidden",
                            r.json().get("type").asText());
                    // Nothing changed: the target is still an enabled ADMIN, its token and session live.
                    Api.Res me = api.get("/api/users/me", target.token());
                    assertEquals(200, me.status(), "the target's token was not cut off: " + me);
                    assertEquals("[\"ADMIN\",\"USER\"]", me.json().get("roles").toString());
                    assertTrue(me.json().get("enabled").asBoolean());
                    assertEquals(200, api.refresh(target.refreshToken()).status(), "the target's session lives");
                }));
    }

    @Test
    void theTableNamesEveryResourceMethodOfTheWar() throws Exception {
        Set<String> table = new TreeSet<>();
        TABLE.forEach(e -> table.add(e.method() + " " + e.path()));
        Set<String> served = new TreeSet<>(SERVLETS);
        for (Class<?> c : resourceClasses()) {
            String base = "/api" + c.getAnnotation(Path.class).value();
            for (Method m : c.getDeclaredMethods()) {
                String verb = httpMethod(m);
                if (verb == null) {
                    continue;
                }
                Path sub = m.getAnnotation(Path.class);
                String path = sub == null ? base : base + (sub.value().startsWith("/") ? "" : "/") + sub.value();
                served.add(verb + " " + path.replaceAll("/+$", ""));
            }
        }
        assertEquals(served, table, "the access matrix must list exactly the endpoints the WAR serves");
        assertTrue(served.size() >= 27, served.toString());
    }

    @Test
    void everyResourceClassDeniesAllAndEveryMethodNamesWhatItAllows() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Class<?> c : resourceClasses()) {
            if (!c.isAnnotationPresent(jakarta.annotation.security.DenyAll.class)) {
                problems.add(c.getSimpleName() + " is not @DenyAll");
            }
            for (Method m : c.getDeclaredMethods()) {
                if (httpMethod(m) == null) {
                    continue;
                }
                boolean roles = m.isAnnotationPresent(jakarta.annotation.security.RolesAllowed.class);
                boolean open = m.isAnnotationPresent(jakarta.annotation.security.PermitAll.class);
                if (roles == open) {
                    problems.add(
                            c.getSimpleName() + "." + m.getName() + " needs exactly one of @RolesAllowed, @PermitAll");
                }
                if (roles) {
                    for (String group : m.getAnnotation(jakarta.annotation.security.RolesAllowed.class)
                            .value()) {
                        if (!group.equals(SIGNED_IN_GROUP)
                                && !group.equals(MFA_ENROLLMENT_GROUP)
                                && !RolesIT.ALL.contains(group)) {
                            problems.add(c.getSimpleName() + "." + m.getName() + " allows unknown group " + group);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** The only group of a token that may do nothing but enroll a second factor. */
    static final String MFA_ENROLLMENT_GROUP = "mfa:enroll";

    /** The group every signed-in user has (the USER role). */
    static final String SIGNED_IN_GROUP = "USER";

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    /** Every class of the WAR under dev.vigile annotated with @Path. */
    private static List<Class<?>> resourceClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        // The directory the WAR's classes were compiled to (not test-classes, which shares packages).
        URL root = dev.vigile.platform.VigileApplication.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation();
        java.nio.file.Path classes = Paths.get(root.toURI());
        List<Class<?>> found = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes.resolve("dev/vigile"))) {
            for (java.nio.file.Path f :
                    files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.contains(".launcher.") || name.contains(".it.")) {
                    continue;
                }
                Class<?> c = Class.forName(name, false, AccessMatrixIT.class.getClassLoader());
                if (c.isAnnotationPresent(Path.class)) {
                    found.add(c);
                }
            }
        }
        assertTrue(found.size() >= 8, "resource classes found: " + found);
        return found;
    }
}
