package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static dev.vigile.it.Api.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The user's own account and user administration. */
@SharedServer
class UsersIT {
    final Api api = new Api();
    final TestServer server = TestServer.get();

    private String dbString(String sql, String param) throws Exception {
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, UUID.fromString(param));
            ResultSet rs = ps.executeQuery();
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void aUserRenamesThemselvesAndNothingElse() throws Exception {
        JsonNode t = api.newUser();
        String token = t.get("access_token").asText();
        String id = t.get("user").get("id").asText();

        Api.Res r = api.patch("/api/users/me", obj("displayName", "  Grace Hopper "), token);
        assertEquals(200, r.status(), r.toString());
        assertEquals("Grace Hopper", r.json().get("displayName").asText());
        assertEquals("Grace Hopper", dbString("select display_name from users where id = ?", id));
        assertNotEquals(
                t.get("user").get("updatedAt").asText(),
                r.json().get("updatedAt").asText());

        for (String forbidden : List.of("roles", "enabled", "email", "id", "passwordHash")) {
            Object value = switch (forbidden) {
                case "roles" -> List.of("ADMIN");
                case "enabled" -> false;
                default -> "x@example.com";
            };
            Api.Res bad = api.patch("/api/users/me", obj("displayName", "Changed", forbidden, value), token);
            assertEquals(400, bad.status(), forbidden + ": " + bad);
            assertEquals("application/problem+json", bad.header("Content-Type"));
            assertEquals(forbidden, bad.json().get("errors").get(0).get("field").asText());
        }
        assertEquals("Grace Hopper", dbString("select display_name from users where id = ?", id), "nothing changed");
        assertEquals("USER", dbString("select string_agg(role_name, ',') from user_roles where user_id = ?", id));
        assertEquals("t", dbString("select enabled from users where id = ?", id));

        // null clears, per JSON merge patch; malformed JSON, an array and a too-long name are 400.
        Api.Res cleared = api.patch("/api/users/me", "{\"displayName\": null}", token);
        assertEquals(200, cleared.status(), cleared.toString());
        assertTrue(cleared.json().path("displayName").isMissingNode()
                || cleared.json().get("displayName").isNull());
        assertNull(dbString("select display_name from users where id = ?", id));
        assertEquals(
                400, api.patch("/api/users/me", "{\"displayName\": ", token).status());
        assertEquals(400, api.patch("/api/users/me", "[]", token).status());
        assertEquals(
                400,
                api.patch("/api/users/me", obj("displayName", "x".repeat(101)), token)
                        .status());
        assertEquals(
                400, api.patch("/api/users/me", obj("displayName", 42), token).status());
        Api.Res me = api.get("/api/users/me", token);
        assertTrue(me.json().path("displayName").isMissingNode()
                || me.json().get("displayName").isNull());
    }

    private void dbUpdate(String sql, String param) throws Exception {
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, UUID.fromString(param));
            assertEquals(1, ps.executeUpdate());
        }
    }

    /**
     * {@code GET /api/users/me} is served from a cache (a change made behind Vigile's back stays
     * unseen), and every change made through Vigile shows in it at once: the user's own and an
     * admin's edits, a login, roles assigned, a role's permissions changed, the role deleted.
     */
    @Test
    void meIsCachedAndEveryCommittedChangeShowsAtOnce() throws Exception {
        String admin = api.adminToken();
        Api.Account u = api.account(admin);
        assertNull(
                api.get("/api/users/me", u.token()).json().path("displayName").asText(null));
        dbUpdate("update users set display_name = 'Behind the back' where id = ?", u.id());
        assertNull(
                api.get("/api/users/me", u.token()).json().path("displayName").asText(null), "served from the cache");

        assertEquals(
                200,
                api.patch("/api/users/me", obj("displayName", "Own edit"), u.token())
                        .status());
        assertEquals(
                "Own edit",
                api.get("/api/users/me", u.token()).json().get("displayName").asText());
        assertEquals(
                200,
                api.patch("/api/users/" + u.id(), obj("displayName", "Admin edit"), admin)
                        .status());
        assertEquals(
                "Admin edit",
                api.get("/api/users/me", u.token()).json().get("displayName").asText());

        String lastLogin =
                api.get("/api/users/me", u.token()).json().get("lastLoginAt").asText();
        Api.Res again = api.login(u.email(), u.password());
        assertEquals(200, again.status());
        String token = again.json().get("access_token").asText();
        String refresh = again.json().get("refresh_token").asText();
        String newer = api.get("/api/users/me", token).json().get("lastLoginAt").asText();
        assertTrue(
                java.time.Instant.parse(newer).isAfter(java.time.Instant.parse(lastLogin)), lastLogin + " → " + newer);

        String role = Api.uniqueRole("CACHED");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", role, "permissions", List.of("audit:read")), admin)
                        .status());
        assertEquals(
                200,
                api.put("/api/admin/users/" + u.id() + "/roles", obj("roles", List.of("USER", role)), admin)
                        .status());
        Api.Res refreshed = api.refresh(refresh);
        token = refreshed.json().get("access_token").asText();
        refresh = refreshed.json().get("refresh_token").asText();
        JsonNode me = api.get("/api/users/me", token).json();
        assertEquals(List.of(role, "USER"), sorted(me.get("roles")), me.toString());
        assertEquals("[\"audit:read\"]", me.get("permissions").toString());

        assertEquals(
                200,
                api.put("/api/admin/roles/" + role, obj("permissions", List.of("users:read")), admin)
                        .status());
        refreshed = api.refresh(refresh);
        token = refreshed.json().get("access_token").asText();
        refresh = refreshed.json().get("refresh_token").asText();
        assertEquals(
                "[\"users:read\"]",
                api.get("/api/users/me", token).json().get("permissions").toString());

        assertEquals(204, api.delete("/api/admin/roles/" + role, admin).status());
        refreshed = api.refresh(refresh);
        token = refreshed.json().get("access_token").asText();
        me = api.get("/api/users/me", token).json();
        assertEquals("[\"USER\"]", me.get("roles").toString());
        assertEquals("[]", me.get("permissions").toString());
    }

    private static List<String> sorted(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        out.sort(null);
        return out;
    }

    @Test
    void everyPlaceThatSetsADisplayNameAppliesTheSameRule() {
        String admin = api.adminToken();
        String tooLong = "x".repeat(101);
        String bell = "ring\u0007";
        String emojis = "😀".repeat(100);
        // Registration, admin creation and both merge patches.
        Api.Res reg = api.register(uniqueEmail(), "a long enough passphrase 1");
        assertEquals(201, reg.status());
        String token = reg.json().get("access_token").asText();
        String id = reg.json().get("user").get("id").asText();
        for (String bad : List.of(tooLong, bell)) {
            Api.Res r1 = api.post(
                    "/api/auth/register",
                    obj("email", uniqueEmail(), "password", "a long enough passphrase 2", "displayName", bad));
            Api.Res r2 = api.post(
                    "/api/users",
                    obj("email", uniqueEmail(), "password", "a long enough passphrase 3", "displayName", bad),
                    admin);
            Api.Res r3 = api.patch("/api/users/me", obj("displayName", bad), token);
            Api.Res r4 = api.patch("/api/users/" + id, obj("displayName", bad), admin);
            for (Api.Res r : List.of(r1, r2, r3, r4)) {
                assertEquals(400, r.status(), r.toString());
                assertEquals(
                        "displayName",
                        r.json().get("errors").get(0).get("field").asText(),
                        r.toString());
            }
        }
        Api.Res fits = api.post(
                "/api/auth/register",
                obj("email", uniqueEmail(), "password", "a long enough passphrase 4", "displayName", emojis));
        assertEquals(201, fits.status(), "100 code points fit everywhere: " + fits);
        assertEquals(emojis, fits.json().get("user").get("displayName").asText());
        Api.Res blank = api.post(
                "/api/auth/register",
                obj("email", uniqueEmail(), "password", "a long enough passphrase 5", "displayName", "   "));
        assertTrue(
                blank.json().get("user").path("displayName").isMissingNode()
                        || blank.json().get("user").get("displayName").isNull(),
                "a blank name is no name: " + blank);
    }

    @Test
    void changingThePasswordRevokesOtherSessionsAndCutsOffOlderTokens() throws Exception {
        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        Api.Res other = api.login(a.email(), a.password());
        assertEquals(200, other.status());
        String newPassword = "a brand new passphrase " + UUID.randomUUID();

        Api.Res wrong = api.put(
                "/api/users/me/password",
                obj("currentPassword", "not it at all", "newPassword", newPassword),
                a.token());
        assertEquals(400, wrong.status(), wrong.toString());
        assertEquals(
                "currentPassword",
                wrong.json().get("errors").get(0).get("field").asText());
        Api.Res weak = api.put(
                "/api/users/me/password", obj("currentPassword", a.password(), "newPassword", "password"), a.token());
        assertEquals(400, weak.status(), weak.toString());
        assertEquals(
                "newPassword", weak.json().get("errors").get(0).get("field").asText());
        assertEquals(200, api.login(a.email(), a.password()).status(), "nothing changed yet");

        // The other session's token used once before: what the server remembers of it must go too.
        assertEquals(
                200,
                api.get("/api/users/me", other.json().get("access_token").asText())
                        .status());
        String updatedBefore =
                api.get("/api/users/me", a.token()).json().get("updatedAt").asText();
        Api.Res ok = api.put(
                "/api/users/me/password", obj("currentPassword", a.password(), "newPassword", newPassword), a.token());
        assertEquals(204, ok.status(), ok.toString());
        // "Revokes all other sessions (the caller's own session survives)": its access token too.
        Api.Res stillIn = api.get("/api/users/me", a.token());
        assertEquals(200, stillIn.status(), "the caller's own access token survives: " + stillIn);
        assertEquals(a.id(), stillIn.json().get("id").asText());
        assertTrue(
                java.time.Instant.parse(stillIn.json().get("updatedAt").asText())
                        .isAfter(java.time.Instant.parse(updatedBefore)),
                "the change shows at once, not the document read before it: " + stillIn);
        assertEquals(
                401,
                api.get("/api/users/me", other.json().get("access_token").asText())
                        .status(),
                "another session's access token ends with its session");
        assertEquals(
                401, api.refresh(other.json().get("refresh_token").asText()).status(), "other sessions revoked");
        Api.Res mine = api.refresh(a.refreshToken());
        assertEquals(200, mine.status(), "the caller's own session survives: " + mine);
        assertEquals(
                200,
                api.get("/api/users/me", mine.json().get("access_token").asText())
                        .status());
        assertEquals(401, api.login(a.email(), a.password()).status());
        assertEquals(200, api.login(a.email(), newPassword).status());
    }

    @Test
    void adminCreatesGetsUpdatesAndDeletesUsers() throws Exception {
        String admin = api.adminToken();
        String email = uniqueEmail();
        Api.Res created = api.post(
                "/api/users",
                obj(
                        "email",
                        email,
                        "password",
                        "created by the admin " + UUID.randomUUID(),
                        "displayName",
                        "Ops",
                        "enabled",
                        false),
                admin);
        assertEquals(201, created.status(), created.toString());
        String id = created.json().get("id").asText();
        assertTrue(created.header("Location").endsWith("/api/users/" + id), created.header("Location"));
        assertEquals("[\"USER\"]", created.json().get("roles").toString());
        assertFalse(created.json().get("enabled").asBoolean());
        assertFalse(created.body().contains("argon2"));

        Api.Res dup =
                api.post("/api/users", obj("email", email.toUpperCase(), "password", "another long passphrase"), admin);
        assertEquals(409, dup.status(), dup.toString());
        Api.Res invalid = api.post("/api/users", obj("email", "not an email", "password", "short"), admin);
        assertEquals(400, invalid.status());
        assertEquals(2, invalid.json().get("errors").size(), invalid.toString());
        Api.Res unknownRole = api.post(
                "/api/users",
                obj("email", uniqueEmail(), "password", "a long passphrase here", "roles", List.of("NOPE_ROLE")),
                admin);
        assertEquals(400, unknownRole.status());
        assertEquals(
                "roles", unknownRole.json().get("errors").get(0).get("field").asText());

        Api.Res got = api.get("/api/users/" + id, admin);
        assertEquals(200, got.status());
        assertEquals(email, got.json().get("email").asText());
        assertEquals(404, api.get("/api/users/" + UUID.randomUUID(), admin).status());
        assertEquals(404, api.get("/api/users/not-a-uuid", admin).status());

        Api.Res enabled = api.patch("/api/users/" + id, obj("enabled", true, "displayName", "Operations"), admin);
        assertEquals(200, enabled.status(), enabled.toString());
        assertTrue(enabled.json().get("enabled").asBoolean());
        assertEquals("Operations", enabled.json().get("displayName").asText());
        assertEquals(
                400,
                api.patch("/api/users/" + id, obj("roles", List.of("ADMIN")), admin)
                        .status());
        assertEquals(
                400, api.patch("/api/users/" + id, obj("enabled", "yes"), admin).status());

        Api.Res del = api.delete("/api/users/" + id, admin);
        assertEquals(204, del.status(), del.toString());
        assertNull(dbString("select email from users where id = ?", id));
        assertEquals(404, api.get("/api/users/" + id, admin).status());
        assertEquals(404, api.delete("/api/users/" + id, admin).status());
    }

    @Test
    void disablingOrDeletingAUserCutsThemOffAtOnce() throws Exception {
        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        Api.Account b = api.account(admin);
        assertEquals(200, api.get("/api/users/me", a.token()).status());

        assertEquals(
                200,
                api.patch("/api/users/" + a.id(), obj("enabled", false), admin).status());
        Api.Res afterDisable = api.get("/api/users/me", a.token());
        assertEquals(401, afterDisable.status(), afterDisable.toString());
        assertTrue(afterDisable.header("WWW-Authenticate").contains("invalid_token"));
        assertEquals(401, api.refresh(a.refreshToken()).status());
        assertEquals(401, api.login(a.email(), a.password()).status());
        assertEquals("disabled", dbString("select max(revoked_reason) from sessions where user_id = ?", a.id()));

        assertEquals(204, api.delete("/api/users/" + b.id(), admin).status());
        assertEquals(401, api.get("/api/users/me", b.token()).status());
        assertEquals(401, api.refresh(b.refreshToken()).status());
    }

    @Test
    void adminsCannotDisableOrDeleteThemselves() {
        String admin = api.adminToken();
        Api.Account a = api.account(admin, "ADMIN");
        Api.Res disable = api.patch("/api/users/" + a.id(), obj("enabled", false), a.token());
        assertEquals(403, disable.status(), disable.toString());
        Api.Res delete = api.delete("/api/users/" + a.id(), a.token());
        assertEquals(403, delete.status(), delete.toString());
        assertEquals(200, api.get("/api/users/me", a.token()).status());
    }

    /** Users seeded straight into the database, all sharing a marker in their email. */
    private List<String> seed(String marker, int count) throws Exception {
        List<String> emails = new ArrayList<>();
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(
                        "insert into users (id, email, display_name, password_hash, enabled, created_at, updated_at)"
                                + " values (?, ?, ?, 'not-a-hash', ?, now() - make_interval(secs => ?), now())");
                PreparedStatement role = c.prepareStatement("insert into user_roles values (?, ?)")) {
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                String email = String.format("%s-%03d@paging.test", marker, i);
                emails.add(email);
                ps.setObject(1, id);
                ps.setString(2, email);
                ps.setString(3, i % 2 == 0 ? "Even " + i : null);
                ps.setBoolean(4, i % 5 != 0);
                ps.setInt(5, i);
                ps.addBatch();
                role.setObject(1, id);
                role.setString(2, "USER");
                role.addBatch();
            }
            ps.executeBatch();
            role.executeBatch();
        }
        return emails;
    }

    /**
     * The list reads its users in its own statement, not as the entities {@code GET
     * /api/users/{id}} answers from: each listed user must be that same document, roles and
     * permissions included (two roles granting one permission list it once; a user without a
     * sign-in has no {@code lastLoginAt}; a display name may be absent), in the order asked.
     */
    @Test
    void aListedUserIsTheSameDocumentAsTheUserItself() throws Exception {
        String admin = api.adminToken();
        String marker = "ls" + UUID.randomUUID().toString().substring(0, 8);
        String both = Api.uniqueRole("LISTB");
        String one = Api.uniqueRole("LISTA");
        assertEquals(
                201,
                api.post(
                                "/api/admin/roles",
                                obj("name", both, "permissions", List.of("users:read", "audit:read")),
                                admin)
                        .status());
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", one, "permissions", List.of("users:read")), admin)
                        .status());
        Api.Res rich = api.post(
                "/api/users",
                obj(
                        "email",
                        marker + "-rich@example.com",
                        "password",
                        "listed with three roles " + marker,
                        "displayName",
                        "Zoë " + marker,
                        "roles",
                        List.of("USER", both, one)),
                admin);
        assertEquals(201, rich.status(), rich.toString());
        Api.Res plain = api.post(
                "/api/users", obj("email", marker + "-plain@example.com", "password", "listed as is " + marker), admin);
        assertEquals(201, plain.status(), plain.toString());
        assertEquals(
                200,
                api.login(marker + "-plain@example.com", "listed as is " + marker)
                        .status());

        Api.Res list = api.get("/api/users?q=" + marker + "&sort=email", admin);
        assertEquals(200, list.status(), list.toString());
        JsonNode items = list.json().get("items");
        assertEquals(2, items.size(), list.body());
        assertEquals(2, list.json().get("total").asLong());
        JsonNode plainListed = items.get(0);
        JsonNode richListed = items.get(1);
        assertEquals(
                api.get("/api/users/" + rich.json().get("id").asText(), admin).json(), richListed, list.body());
        assertEquals(
                api.get("/api/users/" + plain.json().get("id").asText(), admin).json(), plainListed, list.body());
        assertEquals(List.of(both, one, "USER").stream().sorted().toList(), sorted(richListed.get("roles")));
        assertEquals(
                "[\"audit:read\",\"users:read\"]", richListed.get("permissions").toString());
        assertEquals("[]", plainListed.get("permissions").toString());
        assertTrue(plainListed.hasNonNull("lastLoginAt"), plainListed.toString());
        assertFalse(richListed.hasNonNull("lastLoginAt"), richListed.toString());

        JsonNode byRole =
                api.get("/api/users?q=" + marker + "&role=" + one, admin).json();
        assertEquals(1, byRole.get("total").asLong(), byRole.toString());
        assertEquals(richListed, byRole.get("items").get(0));

        // A user left with no role at all (no route does this; the database may): empty lists, not null.
        dbUpdate(
                "delete from user_roles where user_id = ?",
                plain.json().get("id").asText());
        JsonNode bare = api.get("/api/users?q=" + marker + "-plain", admin)
                .json()
                .get("items")
                .get(0);
        assertEquals("[]", bare.get("roles").toString(), bare.toString());
        assertEquals("[]", bare.get("permissions").toString(), bare.toString());
    }

    @Test
    void theUserListPagesFiltersAndSortsInTheDatabase() throws Exception {
        String admin = api.adminToken();
        String marker = "pg" + UUID.randomUUID().toString().substring(0, 8);
        List<String> emails = seed(marker, 57);

        Api.Res p1 = api.get("/api/users?q=" + marker + "&size=20", admin);
        assertEquals(200, p1.status(), p1.toString());
        JsonNode body = p1.json();
        assertEquals(57, body.get("total").asLong());
        assertEquals(3, body.get("pages").asLong());
        assertEquals(1, body.get("page").asInt());
        assertEquals(20, body.get("size").asInt());
        assertEquals(20, body.get("items").size());
        assertEquals("57", p1.header("X-Total-Count"));
        // Default sort: newest first; seeded user i is i seconds old.
        assertEquals(emails.get(0), body.get("items").get(0).get("email").asText());
        // "sort createdAt (default desc)": named alone, still newest first; asc turns it round.
        assertEquals(
                emails.get(0),
                api.get("/api/users?q=" + marker + "&sort=createdAt&size=1", admin)
                        .json()
                        .get("items")
                        .get(0)
                        .get("email")
                        .asText());
        assertEquals(
                emails.get(56),
                api.get("/api/users?q=" + marker + "&sort=createdAt,asc&size=1", admin)
                        .json()
                        .get("items")
                        .get(0)
                        .get("email")
                        .asText());
        String link = p1.header("Link");
        assertTrue(
                link.contains("rel=\"first\"") && link.contains("rel=\"next\"") && link.contains("rel=\"last\""), link);
        assertFalse(link.contains("rel=\"prev\""), link);
        assertTrue(link.contains("page=3") && link.contains("q=" + marker), link);

        Api.Res p3 = api.get("/api/users?q=" + marker.toUpperCase() + "&size=20&page=3", admin);
        assertEquals(17, p3.json().get("items").size());
        assertTrue(p3.header("Link").contains("rel=\"prev\""));
        assertFalse(p3.header("Link").contains("rel=\"next\""));
        assertEquals(
                0,
                api.get("/api/users?q=" + marker + "&page=4", admin)
                        .json()
                        .get("items")
                        .size());

        Api.Res byEmail = api.get("/api/users?q=" + marker + "&sort=email,desc&size=3", admin);
        assertEquals(
                emails.get(56), byEmail.json().get("items").get(0).get("email").asText());
        assertEquals(
                emails.get(55), byEmail.json().get("items").get(1).get("email").asText());
        Api.Res byEmailAsc = api.get("/api/users?q=" + marker + "&sort=email&size=1", admin);
        assertEquals(
                emails.get(0),
                byEmailAsc.json().get("items").get(0).get("email").asText());

        Api.Res disabled = api.get("/api/users?q=" + marker + "&enabled=false&size=100", admin);
        assertEquals(12, disabled.json().get("total").asLong());
        disabled.json().get("items").forEach(u -> assertFalse(u.get("enabled").asBoolean()));
        Api.Res named = api.get("/api/users?q=even%2010&size=100", admin);
        assertTrue(named.json().get("total").asLong() >= 1, named.toString());
        named.json()
                .get("items")
                .forEach(u ->
                        assertTrue(u.get("displayName").asText().toLowerCase().contains("even 10")));
        assertEquals(
                0,
                api.get("/api/users?q=" + marker + "&role=ADMIN", admin)
                        .json()
                        .get("total")
                        .asLong());
        assertEquals(
                57,
                api.get("/api/users?q=" + marker + "&role=USER", admin)
                        .json()
                        .get("total")
                        .asLong());
        // LIKE wildcards in q are literal.
        assertEquals(
                0,
                api.get("/api/users?q=%25" + marker, admin).json().get("total").asLong());
        assertEquals(
                0,
                api.get("/api/users?q=" + marker.substring(0, 3) + "_", admin)
                        .json()
                        .get("total")
                        .asLong());

        for (String bad : List.of(
                "size=0",
                "size=101",
                "page=0",
                "page=x",
                "sort=password",
                "sort=email,up",
                "enabled=maybe",
                "role=admin%20role",
                "q=" + "x".repeat(101))) {
            Api.Res r = api.get("/api/users?" + bad, admin);
            assertEquals(400, r.status(), bad + ": " + r);
            assertEquals("application/problem+json", r.header("Content-Type"));
            assertTrue(r.json().get("errors").size() >= 1, r.toString());
        }
        // A repeated parameter counts by its first value, as a @QueryParam would read it.
        Api.Res repeated = api.get("/api/users?q=" + marker + "&size=3&size=500&page=2&page=x", admin);
        assertEquals(200, repeated.status(), repeated.toString());
        assertEquals(3, repeated.json().get("items").size(), repeated.toString());
        assertEquals(2, repeated.json().get("page").asInt(), repeated.toString());
    }

    /**
     * The unfiltered total is the count kept at commit: after concurrent creations (some refused
     * as taken, rolled back), registrations and deletions it equals the table's count in one
     * snapshot, and the list's total lies between two counts taken around the request.
     */
    @Test
    void theUnfilteredTotalIsTheKeptCountUnderConcurrentCreationsAndDeletions() throws Exception {
        String admin = api.adminToken();
        String taken = uniqueEmail();
        assertEquals(
                201,
                api.post("/api/users", obj("email", taken, "password", "a long enough passphrase"), admin)
                        .status());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> calls = new ArrayList<>();
            List<String> created = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 32; i++) {
                int n = i;
                calls.add(pool.submit(() -> {
                    if (n % 4 == 0) {
                        return api.post(
                                        "/api/users",
                                        obj("email", taken, "password", "a long enough passphrase"),
                                        admin)
                                .status();
                    }
                    Api.Res r = api.post(
                            "/api/users", obj("email", uniqueEmail(), "password", "a long enough passphrase"), admin);
                    if (r.status() == 201 && n % 2 == 1) {
                        created.add(r.json().get("id").asText());
                    }
                    return r.status();
                }));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertEquals(i % 4 == 0 ? 409 : 201, calls.get(i).get());
            }
            List<java.util.concurrent.Future<Integer>> deletions = new ArrayList<>();
            for (String id : created) {
                deletions.add(
                        pool.submit(() -> api.delete("/api/users/" + id, admin).status()));
            }
            for (var d : deletions) {
                assertEquals(204, d.get());
            }
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = server.db();
                ResultSet rs = c.createStatement()
                        .executeQuery("select (select users from user_count), (select count(*) from users)")) {
            rs.next();
            assertEquals(rs.getLong(2), rs.getLong(1), "the kept count is the table's");
        }
        long before = server.number("select count(*) from users where id <> ?", UUID.randomUUID());
        Api.Res page = api.get("/api/users?size=1", admin);
        long after = server.number("select count(*) from users where id <> ?", UUID.randomUUID());
        long total = page.json().get("total").asLong();
        assertTrue(before <= total && total <= after, before + " <= " + total + " <= " + after);
        assertEquals(Long.toString(total), page.header("X-Total-Count"));
        long enabled = server.number("select count(*) from users where enabled = ?", true);
        long listed = api.get("/api/users?size=1&enabled=true", admin)
                .json()
                .get("total")
                .asLong();
        assertEquals(enabled, listed, "a filtered total still counts");
    }
}
