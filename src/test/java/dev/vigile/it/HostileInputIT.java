package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each input that once reached PostgreSQL and answered 500, and each look-alike that once made a
 * second account: now a 400 problem naming the field, or the same account.
 */
@SharedServer
class HostileInputIT {
    final Api api = new Api();

    /** A 400 problem+json whose errors name {@code field}. */
    static void refusedNaming(Api.Res r, String field) {
        assertEquals(400, r.status(), r.toString());
        assertEquals("application/problem+json", r.header("Content-Type"));
        JsonNode errors = r.json().get("errors");
        assertTrue(errors != null && errors.toString().contains("\"field\":\"" + field + "\""), r.body());
    }

    /** A JSON body with a NUL where {@code <0>} stands, written as JSON writes it. */
    static String withNul(String json) {
        return json.replace("<0>", "\\u0000");
    }

    @Test
    void anOverLongEmailOnLoginIsA400NotA500() {
        String email = "a".repeat(300) + "@example.com";
        refusedNaming(api.login(email, "whatever it is"), "email");
    }

    @Test
    void aNulInAnEmailIsRefusedNotStripped() {
        String body = withNul("{\"email\":\"ad<0>min@example.com\",\"password\":\"whatever it is\"}");
        refusedNaming(api.call("POST", "/api/auth/login", body, null), "email");
        refusedNaming(
                api.call(
                        "POST",
                        "/api/auth/register",
                        withNul("{\"email\":\"x<0>" + Api.uniqueEmail()
                                + "\",\"password\":\"a long passphrase here\"}"),
                        null),
                "email");
    }

    @Test
    void nulsInQueryValuesAreRefused() {
        String admin = api.adminToken();
        refusedNaming(api.get("/api/users?q=a%00b", admin), "q");
        refusedNaming(api.get("/api/admin/audit?targetId=a%00b", admin), "targetId");
        refusedNaming(api.get("/api/admin/audit?actor=%01x", admin), "actor");
        refusedNaming(api.get("/api/users?q=" + "x".repeat(600), admin), "q");
    }

    @Test
    void aNulInARolesDescriptionIsRefusedAndNothingIsCreated() {
        String admin = api.adminToken();
        String name = Api.uniqueRole("NUL");
        String body = withNul("{\"name\":\"" + name + "\",\"description\":\"a<0>b\",\"permissions\":[]}");
        refusedNaming(api.call("POST", "/api/admin/roles", body, admin), "description");
        assertEquals(404, api.get("/api/admin/roles/" + name, admin).status());
    }

    @Test
    void loneSurrogatesAndDeepNestingAreRefused() {
        String admin = api.adminToken();
        refusedNaming(api.call("PATCH", "/api/users/me", "{\"displayName\":\"a\\ud800b\"}", admin), "displayName");
        String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
        Api.Res r = api.call(
                "POST",
                "/api/admin/notifications",
                "{\"audience\":{\"type\":\"all\"},\"title\":\"t\",\"body\":\"b\",\"data\":" + deep + "}",
                admin);
        assertEquals(400, r.status(), r.toString());
        assertTrue(r.json().get("errors").get(0).get("field").asText().startsWith("data"), r.body());
    }

    @Test
    void aLoginEmailThatCannotBeAnEmailIsRefusedBeforeItIsAudited() throws Exception {
        String fake = "root@vigile.test (the real one)";
        refusedNaming(api.login(fake, "whatever it is"), "email");
        assertEquals(
                0,
                TestServer.get().number("select count(*) from audit_events where actor_email = ?", fake),
                "nothing written to the audit log");
    }

    @Test
    void aFullwidthLookAlikeIsTheSameAddress() {
        String local = "u" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String email = local + "@example.com";
        String password = "a long passphrase for look-alikes";
        assertEquals(201, api.register(email, password).status());
        // "ｕ" (U+FF55) and the rest in fullwidth: NFKC makes it the same address.
        StringBuilder fullwidth = new StringBuilder();
        local.chars().forEach(c -> fullwidth.appendCodePoint(c >= 'a' && c <= 'z' ? c - 'a' + 0xFF41 : c));
        Api.Res again = api.register(fullwidth + "@example.com", password + " again");
        assertEquals(409, again.status(), again.toString());
        Api.Res login = new Api().login(fullwidth + "@ｅｘａｍｐｌｅ.com", password);
        assertEquals(200, login.status(), "the look-alike logs in to the one account: " + login);
        assertEquals(email, login.json().get("user").get("email").asText());
    }

    @Test
    void invisibleAndFormatCharactersAreRefusedInEmailsAndDisplayNames() {
        String admin = api.adminToken();
        for (String invisible : List.of("\u200b", "\u200d", "\u202e", "\ufeff", "\u3164", "\u00ad", "\u2800")) {
            String tag = String.format("U+%04X", (int) invisible.charAt(0));
            refusedNaming(api.register("root" + invisible + "@vigile.test", "a long passphrase here"), "email");
            refusedNaming(
                    api.post(
                            "/api/auth/register",
                            obj(
                                    "email",
                                    Api.uniqueEmail(),
                                    "password",
                                    "a long passphrase here",
                                    "displayName",
                                    "Ad" + invisible + "min")),
                    "displayName");
            refusedNaming(
                    api.patch("/api/users/me", obj("displayName", "Ad" + invisible + "min"), admin), "displayName");
            assertEquals(
                    400,
                    api.post(
                                    "/api/users",
                                    obj(
                                            "email",
                                            "x" + invisible + Api.uniqueEmail(),
                                            "password",
                                            "a long passphrase here"),
                                    admin)
                            .status(),
                    tag);
        }
        assertEquals(
                200,
                api.patch("/api/users/me", obj("displayName", "Ada Lovelace 🦉"), admin)
                        .status(),
                "ordinary names still pass");
    }

    private Api.Res raw(String path, String contentType, byte[] body, String token) {
        java.net.http.HttpRequest.Builder b = api.request(path)
                .header("Content-Type", contentType)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return api.send(b);
    }

    private static void refused(Api.Res r, String field, String message) {
        assertEquals(400, r.status(), r.toString());
        assertEquals("application/problem+json", r.header("Content-Type"));
        JsonNode error = r.json().get("errors").get(0);
        assertEquals(field, error.get("field").asText(), r.body());
        assertTrue(error.get("message").asText().contains(message), r.body());
    }

    /** Issue 33, point 11: media types in any case; duplicated keys, invalid UTF-8 and coerced types refused. */
    @Test
    void jsonIsReadStrictlyAndMediaTypesInAnyCase() {
        byte[] unknown = "{\"email\":\"nobody-here@example.com\",\"password\":\"not the password\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (String type : List.of("application/JSON", "Application/Json; charset=UTF-8", "APPLICATION/JSON")) {
            Api.Res r = raw("/api/auth/login", type, unknown, null);
            assertEquals(401, r.status(), type + " " + r);
            assertTrue(r.json().get("type").asText().endsWith("/invalid-credentials"), r.body());
        }
        assertEquals(415, raw("/api/auth/login", "text/plain", unknown, null).status());

        String email = Api.uniqueEmail();
        Api.Res twice = raw(
                "/api/auth/register",
                "application/json",
                ("{\"email\":\"" + email + "\",\"password\":\"a long passphrase 1\"," + "\"email\":\""
                                + Api.uniqueEmail() + "\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                null);
        refused(twice, "email", "more than once");
        assertEquals(401, api.login(email, "a long passphrase 1").status(), "nothing was created");

        byte[] latin1 = ("{\"email\":\"" + email + "\",\"password\":\"caf\u00e9 au lait passphrase\"}")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        refused(raw("/api/auth/register", "application/json", latin1, null), "body", "UTF-8");
        assertEquals(401, api.login(email, "café au lait passphrase").status(), "nothing was created");

        refused(
                raw(
                        "/api/auth/register",
                        "application/json",
                        ("{\"email\":\"" + email + "\",\"password\":123456789012}")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        null),
                "password",
                "must be a string");
        refused(
                raw(
                        "/api/auth/login",
                        "application/json",
                        "{\"email\":true,\"password\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        null),
                "email",
                "must be a string");
        refused(
                raw(
                        "/api/auth/login",
                        "application/json",
                        "{\"email\":{\"a\":1},\"password\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        null),
                "email",
                "must be a string");
        assertEquals(401, api.login(email, "123456789012").status(), "nothing was created");
        // Nested objects may not repeat a key either.
        Api.Res nested = raw(
                "/api/auth/login",
                "application/json",
                "{\"email\":\"a@b.test\",\"password\":\"x\",\"x\":{\"k\":1,\"k\":2}}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                null);
        refused(nested, "x.k", "more than once");
    }

    /** Issue 33, point 10: the practical subset of addresses; quoted local parts and markup refused. */
    @Test
    void addressesOutsideThePracticalSubsetAreRefused() {
        String local = "mallory" + java.util.UUID.randomUUID().toString().substring(0, 8);
        assertEquals(
                201,
                api.register(local + "@example.com", "a long passphrase of mallory")
                        .status());
        for (String bad : List.of(
                "\"" + local + "\"@example.com",
                "<svg/onload=alert(1)>@example.com",
                "zoë@example.com",
                "a@[127.0.0.1]")) {
            Api.Res r = api.register(bad, "a long passphrase of mallory");
            refused(r, "email", "well-formed");
        }
        // An internationalised domain is kept in its ASCII form, and found by either form.
        String idn = "probe" + java.util.UUID.randomUUID().toString().substring(0, 8) + "@exämple.test";
        Api.Res made = api.register(idn, "a long passphrase of the probe");
        assertEquals(201, made.status(), made.toString());
        assertEquals(
                idn.replace("exämple.test", "xn--exmple-cua.test"),
                made.json().get("user").get("email").asText());
        assertEquals(200, api.login(idn, "a long passphrase of the probe").status());
        assertEquals(
                200,
                api.login(idn.replace("exämple.test", "xn--exmple-cua.test"), "a long passphrase of the probe")
                        .status());
    }

    /**
     * Addresses stored before the IDNA rule with a non-ASCII domain are converted by V14, so that
     * their accounts can still sign in; one whose ASCII form is taken is left alone.
     */
    @Test
    void storedInternationalisedDomainsMoveToTheirAsciiForm() throws Exception {
        TestServer.Database db = TestServer.newDatabase("vigile_idna");
        try {
            org.flywaydb.core.Flyway latest = TestServer.migratedTo(db, "13");
            java.util.UUID ann = java.util.UUID.randomUUID();
            java.util.UUID twin = java.util.UUID.randomUUID();
            java.util.UUID taken = java.util.UUID.randomUUID();
            try (java.sql.Connection c =
                    java.sql.DriverManager.getConnection(db.jdbcUrl(), db.owner(), db.ownerPassword())) {
                for (Object[] u : new Object[][] {
                    {ann, "ann@exämple.test"}, {twin, "bob@exämple.test"}, {taken, "bob@xn--exmple-cua.test"}
                }) {
                    try (var ps =
                            c.prepareStatement("insert into users (id, email, password_hash, created_at, updated_at)"
                                    + " values (?, ?, 'x', now(), now())")) {
                        ps.setObject(1, u[0]);
                        ps.setString(2, (String) u[1]);
                        ps.executeUpdate();
                    }
                }
            }
            latest.migrate();
            try (java.sql.Connection c =
                    java.sql.DriverManager.getConnection(db.jdbcUrl(), db.owner(), db.ownerPassword())) {
                java.util.Map<java.util.UUID, String> emails = new java.util.HashMap<>();
                var rs = c.createStatement().executeQuery("select id, email from users");
                while (rs.next()) {
                    emails.put((java.util.UUID) rs.getObject(1), rs.getString(2));
                }
                assertEquals("ann@xn--exmple-cua.test", emails.get(ann));
                assertEquals("bob@exämple.test", emails.get(twin), "its ASCII form belongs to another account");
                assertEquals("bob@xn--exmple-cua.test", emails.get(taken));
            }
        } finally {
            db.cleanup().close();
        }
    }
}
