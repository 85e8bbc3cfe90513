package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static dev.vigile.it.Api.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Register, login, me, logout, logout-all and sessions, as a client calls them. */
@SharedServer
class AuthIT {
    final Api api = new Api();
    final TestServer server = TestServer.get();

    static final String PASSWORD = "violet kettle marches upward";

    @Test
    void registerReturnsTokensAndTheUserAndStoresOnlyAnArgon2idHash() throws Exception {
        String email = uniqueEmail();
        Api.Res r = api.post(
                "/api/auth/register",
                obj("email", "  " + email.toUpperCase() + " ", "password", PASSWORD, "displayName", " Ada "));
        assertEquals(201, r.status(), r.toString());
        JsonNode body = r.json();
        assertEquals("Bearer", body.get("token_type").asText());
        assertEquals(300, body.get("expires_in").asInt());
        assertEquals(3, body.get("access_token").asText().split("\\.").length);
        // 73 bytes, base64url: the session, its rotation, 256 random bits, a tag (RefreshTokens).
        assertEquals(98, body.get("refresh_token").asText().length());
        assertTrue(body.get("refresh_token").asText().matches("[A-Za-z0-9_-]+"));
        assertTrue(body.get("refresh_expires_in").asLong() > 0);
        JsonNode user = body.get("user");
        assertEquals(email, user.get("email").asText(), "email is trimmed and lower-cased");
        assertEquals("Ada", user.get("displayName").asText());
        assertEquals("[\"USER\"]", user.get("roles").toString());
        assertEquals("[]", user.get("permissions").toString());
        assertTrue(user.get("enabled").asBoolean());
        assertTrue(user.get("createdAt").asText().endsWith("Z"));
        assertFalse(r.body().contains("argon2"), "no hash in the response");
        assertFalse(r.body().contains(PASSWORD));
        assertEquals("no-store", r.header("Cache-Control"));
        assertTrue(r.header("Location").endsWith("/api/users/" + user.get("id").asText()));

        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement("select password_hash from users where email = ?")) {
            ps.setString(1, email);
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            assertTrue(rs.getString(1).startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), rs.getString(1));
        }
    }

    /**
     * On Linux x86-64 (these machines, the container image) libargon2 computes the hashes; what it
     * stores is a standard PHC string that Bouncy Castle's Argon2 checks, so an instance that falls
     * back to Bouncy Castle (or a later version without the native library) still signs everyone in.
     */
    @Test
    void libargon2HashesThePasswordsAndBouncyCastleReadsWhatItStored() throws Exception {
        JsonNode hashing = api.readinessCheck("vigile-password-hashing");
        assertEquals("UP", hashing.get("status").asText(), hashing.toString());
        assertEquals(
                Api.nativeLibrariesLoad() ? "libargon2" : "bouncy-castle",
                hashing.get("data").get("engine").asText(),
                hashing.toString());
        assertEquals("argon2id m=19456,t=2,p=1", hashing.get("data").get("cost").asText());
        assertTrue(hashing.get("data").get("concurrentHashes").asInt() >= 1, hashing.toString());

        String email = uniqueEmail();
        String password = "жёлтый kettle ☃ marches";
        assertEquals(201, api.register(email, password).status());
        String stored;
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement("select password_hash from users where email = ?")) {
            ps.setString(1, email);
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            stored = rs.getString(1);
        }
        dev.vigile.security.Argon2Phc bouncyCastle = new dev.vigile.security.Argon2Phc(19456, 2, 1, 16, 32, 1, false);
        assertEquals("bouncy-castle", bouncyCastle.engine());
        assertTrue(bouncyCastle.matches(password, stored), stored);
        assertFalse(bouncyCastle.matches(password + " ", stored), stored);
        assertEquals(200, api.login(email, password).status());
        assertEquals(401, api.login(email, "жёлтый kettle ☃ marches.").status());
    }

    @Test
    void anEmailTakenInAnyCaseIsAConflict() {
        String email = uniqueEmail();
        assertEquals(201, api.register(email, PASSWORD).status());
        Api.Res again = api.register(email.toUpperCase(), PASSWORD + "x");
        assertEquals(409, again.status());
        assertEquals("application/problem+json", again.header("Content-Type").split(";")[0]);
        assertEquals(409, again.json().get("status").asInt());
        assertEquals(
                "https://vigile.dev/problems/conflict", again.json().get("type").asText());
    }

    @Test
    void passwordRulesAreEnforcedWithFieldErrors() {
        String email = uniqueEmail();
        assertFieldError(api.register(email, "short"), "password", "between 8 and 128");
        assertFieldError(api.register(email, "password123"), "password", "too common");
        assertFieldError(api.register(email, "a".repeat(129)), "password", "between 8 and 128");
        assertFieldError(api.register(email, email.toUpperCase()), "password", "email");
        assertFieldError(api.register("not-an-email", PASSWORD), "email", "email address");
        assertFieldError(api.post("/api/auth/register", obj("email", email)), "password", "null");
        assertEquals(401, api.login(email, PASSWORD).status(), "nothing was created");
    }

    @Test
    void unicodeAnd128CharacterPasswordsWork() {
        // 128 code points, many outside the BMP (each two UTF-16 chars).
        String emoji = "🔐".repeat(64) + "é".repeat(64);
        assertEquals(128, emoji.codePointCount(0, emoji.length()));
        String email = uniqueEmail();
        assertEquals(201, api.register(email, emoji).status());
        assertEquals(200, api.login(email, emoji).status());
        // NFKC: the decomposed form of the same text is the same password.
        String decomposed = java.text.Normalizer.normalize(emoji, java.text.Normalizer.Form.NFD);
        assertNotEquals(emoji, decomposed);
        assertEquals(200, api.login(email, decomposed).status());
        assertEquals(401, api.login(email, "🔐".repeat(64) + "e".repeat(64)).status());
    }

    @Test
    void registerRefusesFieldsTheCallerMayNotSet() throws Exception {
        String email = uniqueEmail();
        for (String field : new String[] {"roles", "enabled", "id"}) {
            Api.Res r = api.post(
                    "/api/auth/register",
                    obj(
                            "email",
                            email,
                            "password",
                            PASSWORD,
                            field,
                            field.equals("roles") ? new String[] {"ADMIN"} : "x"));
            assertEquals(400, r.status(), field + ": " + r);
            assertEquals(
                    "https://vigile.dev/problems/malformed-body",
                    r.json().get("type").asText());
        }
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement("select count(*) from users where email = ?")) {
            ps.setString(1, email);
            ResultSet rs = ps.executeQuery();
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
    }

    @Test
    void loginAndMe() {
        String email = uniqueEmail();
        api.register(email, PASSWORD);
        Api.Res login = api.login(" " + email.toUpperCase(), PASSWORD);
        assertEquals(200, login.status(), login.toString());
        assertEquals("no-store", login.header("Cache-Control"));
        assertEquals("no-cache", login.header("Pragma"));
        String token = login.json().get("access_token").asText();
        Api.Res me = api.get("/api/users/me", token);
        assertEquals(200, me.status(), me.toString());
        assertEquals(email, me.json().get("email").asText());
        assertNotNull(me.json().get("lastLoginAt"));
        assertEquals(login.json().get("user").get("id"), me.json().get("id"));
    }

    @Test
    void unknownEmailWrongPasswordAndDisabledAccountLookAlike() throws Exception {
        String email = uniqueEmail();
        api.register(email, PASSWORD);
        String disabled = uniqueEmail();
        api.register(disabled, PASSWORD);
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement("update users set enabled = false where email = ?")) {
            ps.setString(1, disabled);
            ps.executeUpdate();
        }
        Api.Res unknown = new Api().login(uniqueEmail(), PASSWORD);
        Api.Res wrong = new Api().login(email, PASSWORD + "!");
        Api.Res off = new Api().login(disabled, PASSWORD);
        for (Api.Res r : new Api.Res[] {unknown, wrong, off}) {
            assertEquals(401, r.status());
            assertEquals(unknown.body(), r.body());
            assertEquals(unknown.header("WWW-Authenticate"), r.header("WWW-Authenticate"));
        }
        assertEquals(
                "https://vigile.dev/problems/invalid-credentials",
                unknown.json().get("type").asText());
    }

    @Test
    void logoutRevokesTheSessionAndIsIdempotent() {
        JsonNode tokens = api.newUser();
        String refresh = tokens.get("refresh_token").asText();
        String access = tokens.get("access_token").asText();
        assertEquals(
                204, api.post("/api/auth/logout", obj("refreshToken", refresh)).status());
        assertEquals(
                204, api.post("/api/auth/logout", obj("refreshToken", refresh)).status());
        assertEquals(
                204,
                api.post("/api/auth/logout", obj("refreshToken", "x".repeat(43)))
                        .status());
        assertEquals(401, api.refresh(refresh).status());
        Api.Res me = api.get("/api/users/me", access);
        assertEquals(401, me.status(), "the session's access token is cut off too");
        assertEquals(
                "The access token has been revoked.", me.json().get("detail").asText());
    }

    @Test
    void logoutAllCutsOffEveryTokenAtOnceButNotLaterOnes() {
        String email = uniqueEmail();
        api.register(email, PASSWORD);
        JsonNode a = api.login(email, PASSWORD).json();
        JsonNode b = api.login(email, PASSWORD).json();
        String tokenA = a.get("access_token").asText();
        assertEquals(204, api.post("/api/auth/logout-all", null, tokenA).status());
        assertEquals(401, api.get("/api/users/me", tokenA).status());
        assertEquals(
                401, api.get("/api/users/me", b.get("access_token").asText()).status());
        assertEquals(401, api.refresh(b.get("refresh_token").asText()).status());
        JsonNode fresh = api.login(email, PASSWORD).json();
        assertEquals(
                200,
                api.get("/api/users/me", fresh.get("access_token").asText()).status());
    }

    @Test
    void sessionsListPagesAndFlagsTheCurrentOne() {
        String email = uniqueEmail();
        api.register(email, PASSWORD);
        api.login(email, PASSWORD);
        JsonNode last = api.login(email, PASSWORD).json();
        String token = last.get("access_token").asText();
        Api.Res page = api.get("/api/auth/sessions?size=2&page=1", token);
        assertEquals(200, page.status(), page.toString());
        assertEquals("3", page.header("X-Total-Count"));
        JsonNode body = page.json();
        assertEquals(3, body.get("total").asInt());
        assertEquals(2, body.get("pages").asInt());
        assertEquals(2, body.get("items").size());
        JsonNode first = body.get("items").get(0);
        assertTrue(first.get("current").asBoolean(), "newest first, and it is the caller's");
        assertEquals(api.clientAddress(), first.get("ip").asText());
        assertEquals("vigile-it", first.get("userAgent").asText());
        String link = page.header("Link");
        assertTrue(link.contains("rel=\"next\"") && link.contains("page=2"), link);
        assertTrue(link.contains("rel=\"first\"") && link.contains("rel=\"last\""), link);
        assertFalse(link.contains("rel=\"prev\""), link);
        assertEquals(400, api.get("/api/auth/sessions?size=101", token).status());
        assertEquals(400, api.get("/api/auth/sessions?sort=ip", token).status());
        assertEquals(400, api.get("/api/auth/sessions?page=0", token).status());
    }

    @Test
    void revokingOneSessionLeavesTheOthersAndOthersSessionsAreNotFound() {
        String email = uniqueEmail();
        api.register(email, PASSWORD);
        JsonNode keep = api.login(email, PASSWORD).json();
        String token = keep.get("access_token").asText();
        JsonNode sessions = api.get("/api/auth/sessions", token).json().get("items");
        String other = null;
        for (JsonNode s : sessions) {
            if (!s.get("current").asBoolean()) {
                other = s.get("id").asText();
            }
        }
        JsonNode stranger = api.newUser();
        String strangerToken = stranger.get("access_token").asText();
        assertEquals(
                404, api.delete("/api/auth/sessions/" + other, strangerToken).status());
        assertEquals(
                404,
                api.delete("/api/auth/sessions/" + UUID.randomUUID(), token).status());
        assertEquals(404, api.delete("/api/auth/sessions/not-a-uuid", token).status());
        assertEquals(204, api.delete("/api/auth/sessions/" + other, token).status());
        assertEquals(1, api.get("/api/auth/sessions", token).json().get("total").asInt());
        assertEquals(200, api.get("/api/users/me", token).status());
    }

    @Test
    void protectedRoutesWithoutATokenAre401WithAChallenge() {
        for (String path : new String[] {"/api/users/me", "/api/auth/sessions"}) {
            Api.Res r = api.get(path, null);
            assertEquals(401, r.status());
            assertEquals("Bearer realm=\"vigile\"", r.header("WWW-Authenticate"));
            assertEquals("application/problem+json", r.header("Content-Type").split(";")[0]);
        }
        Api.Res r = api.post("/api/auth/logout-all", null, null);
        assertEquals(401, r.status());
    }

    static void assertFieldError(Api.Res r, String field, String messagePart) {
        assertEquals(400, r.status(), r.toString());
        JsonNode errors = r.json().get("errors");
        assertNotNull(errors, r.toString());
        boolean found = false;
        for (JsonNode e : errors) {
            found |= e.get("field").asText().equals(field)
                    && e.get("message").asText().contains(messagePart);
        }
        assertTrue(found, r.toString());
    }
}
