package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Roles, permissions, role assignment and the anti-escalation rules. */
@SharedServer
class RolesIT {
    static final List<String> ALL = List.of(
            "users:read",
            "users:write",
            "users:delete",
            "roles:read",
            "roles:write",
            "roles:assign",
            "audit:read",
            "dashboard:read",
            "notifications:send",
            "clients:read",
            "clients:write",
            "tokens:introspect",
            "ssf:streams");

    final Api api = new Api();
    final TestServer server = TestServer.get();

    static Set<String> groups(String accessToken) {
        Set<String> groups = new TreeSet<>();
        Api.claims(accessToken).get("groups").forEach(g -> groups.add(g.asText()));
        return groups;
    }

    String role(String admin, String prefix, List<String> permissions) {
        String name = Api.uniqueRole(prefix);
        Api.Res r = api.post(
                "/api/admin/roles",
                obj("name", name, "description", "for " + prefix, "permissions", permissions),
                admin);
        assertEquals(201, r.status(), r.toString());
        return name;
    }

    @Test
    void rolesAreCreatedReadUpdatedAndDeleted() throws Exception {
        String admin = api.adminToken();
        String name = Api.uniqueRole("SUPPORT");
        Api.Res created = api.post(
                "/api/admin/roles",
                obj("name", name, "description", "Help desk", "permissions", List.of("users:read", "audit:read")),
                admin);
        assertEquals(201, created.status(), created.toString());
        assertTrue(created.header("Location").endsWith("/api/admin/roles/" + name));
        assertEquals(
                "[\"audit:read\",\"users:read\"]",
                created.json().get("permissions").toString());
        assertFalse(created.json().get("system").asBoolean());
        assertEquals(0, created.json().get("userCount").asInt());

        assertEquals(
                409,
                api.post("/api/admin/roles", obj("name", name, "permissions", List.of()), admin)
                        .status());
        for (JsonNode bad : List.of(
                obj("name", "lower", "permissions", List.of()),
                obj("name", "A", "permissions", List.of()),
                obj("name", "X".repeat(33), "permissions", List.of()),
                obj("name", Api.uniqueRole("B"), "permissions", List.of("root:all")),
                obj("name", Api.uniqueRole("B")),
                obj("name", Api.uniqueRole("B"), "permissions", List.of(), "system", true))) {
            Api.Res r = api.post("/api/admin/roles", bad, admin);
            assertEquals(400, r.status(), bad + " -> " + r);
            assertEquals("application/problem+json", r.header("Content-Type"));
        }

        Api.Account holder = api.account(admin, name);
        Api.Res list = api.get("/api/admin/roles", admin);
        assertEquals(200, list.status());
        JsonNode mine = null;
        for (JsonNode r : list.json()) {
            if (r.get("name").asText().equals(name)) {
                mine = r;
            }
            if (r.get("name").asText().equals("ADMIN")) {
                assertEquals(ALL.size(), r.get("permissions").size());
                assertTrue(r.get("system").asBoolean());
            }
        }
        assertEquals(1, mine.get("userCount").asInt(), list.toString());
        Api.Res one = api.get("/api/admin/roles/" + name, admin);
        assertEquals("Help desk", one.json().get("description").asText());
        assertEquals(404, api.get("/api/admin/roles/NO_SUCH_ROLE", admin).status());
        assertEquals(404, api.get("/api/admin/roles/lower", admin).status());

        Api.Res perms = api.get("/api/admin/permissions", admin);
        assertEquals(ALL.size(), perms.json().size());
        assertTrue(perms.json().get(0).get("description").asText().length() > 3);

        // A change of permissions cuts off the holders' tokens; their refresh carries the new groups.
        assertTrue(groups(holder.token()).contains("audit:read"));
        Api.Res updated = api.put(
                "/api/admin/roles/" + name,
                obj("description", "Help desk v2", "permissions", List.of("users:read")),
                admin);
        assertEquals(200, updated.status(), updated.toString());
        assertEquals("[\"users:read\"]", updated.json().get("permissions").toString());
        assertEquals(401, api.get("/api/users/me", holder.token()).status());
        Api.Res refreshed = api.refresh(holder.refreshToken());
        assertEquals(200, refreshed.status());
        Set<String> newGroups = groups(refreshed.json().get("access_token").asText());
        assertFalse(newGroups.contains("audit:read"), newGroups.toString());
        assertTrue(newGroups.containsAll(List.of(name, "users:read", "USER")), newGroups.toString());
        assertEquals(
                403,
                api.get("/api/admin/audit", refreshed.json().get("access_token").asText())
                        .status());

        Api.Res deleted = api.delete("/api/admin/roles/" + name, admin);
        assertEquals(204, deleted.status());
        assertEquals(404, api.get("/api/admin/roles/" + name, admin).status());
        assertEquals(
                401,
                api.get("/api/users/me", refreshed.json().get("access_token").asText())
                        .status(),
                "holders cut off");
        Api.Res again = api.refresh(refreshed.json().get("refresh_token").asText());
        assertEquals(Set.of("USER"), groups(again.json().get("access_token").asText()));
        assertEquals(404, api.delete("/api/admin/roles/" + name, admin).status());
    }

    @Test
    void systemRolesKeepTheirPermissionsAndCannotBeDeleted() {
        String admin = api.adminToken();
        for (String system : List.of("USER", "ADMIN")) {
            Api.Res del = api.delete("/api/admin/roles/" + system, admin);
            assertEquals(409, del.status(), del.toString());
            assertEquals(
                    "https://vigile.dev/problems/conflict",
                    del.json().get("type").asText());
        }
        Api.Res grant =
                api.put("/api/admin/roles/USER", obj("description", "x", "permissions", List.of("users:read")), admin);
        assertEquals(409, grant.status(), grant.toString());
        Api.Res strip = api.put("/api/admin/roles/ADMIN", obj("description", "x", "permissions", List.of()), admin);
        assertEquals(409, strip.status());
        Api.Res describe = api.put(
                "/api/admin/roles/USER", obj("description", "Every signed-up user", "permissions", List.of()), admin);
        assertEquals(200, describe.status(), describe.toString());
        assertEquals(
                ALL.size(),
                api.get("/api/admin/roles/ADMIN", admin)
                        .json()
                        .get("permissions")
                        .size());
    }

    @Test
    void aRoleChangeTakesEffectAtOnce() {
        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        String auditor = role(admin, "AUDITOR", List.of("audit:read"));
        assertEquals(403, api.get("/api/admin/audit", a.token()).status());

        Api.Res assigned = api.put("/api/admin/users/" + a.id() + "/roles", obj("roles", List.of(auditor)), admin);
        assertEquals(200, assigned.status(), assigned.toString());
        assertEquals(
                "[\"" + auditor + "\",\"USER\"]", assigned.json().get("roles").toString(), "USER is always kept");
        assertEquals("[\"audit:read\"]", assigned.json().get("permissions").toString());
        Api.Res old = api.get("/api/admin/audit", a.token());
        assertEquals(401, old.status(), "the old token is cut off, not merely forbidden: " + old);
        assertEquals(401, api.get("/api/users/me", a.token()).status());

        Api.Res refreshed = api.refresh(a.refreshToken());
        assertEquals(200, refreshed.status(), "the refresh token survives a role change");
        String token = refreshed.json().get("access_token").asText();
        assertTrue(
                groups(token).containsAll(List.of(auditor, "audit:read", "USER")),
                groups(token).toString());
        assertEquals(200, api.get("/api/admin/audit", token).status());

        Api.Res removed = api.put("/api/admin/users/" + a.id() + "/roles", obj("roles", List.of()), admin);
        assertEquals("[\"USER\"]", removed.json().get("roles").toString());
        assertEquals(401, api.get("/api/admin/audit", token).status());
        Api.Res unknown = api.put("/api/admin/users/" + a.id() + "/roles", obj("roles", List.of("NOPE_X")), admin);
        assertEquals(400, unknown.status());
        for (String body : List.of("{\"roles\":[null]}", "{\"roles\":[\"USER\",null]}")) {
            Api.Res nullRole = api.put("/api/admin/users/" + a.id() + "/roles", body, admin);
            assertEquals(400, nullRole.status(), body + " -> " + nullRole);
            assertEquals("application/problem+json", nullRole.header("Content-Type"));
        }
        Api.Res nullCreate = api.post(
                "/api/users",
                "{\"email\":\"" + Api.uniqueEmail() + "\",\"password\":\"a long passphrase here\",\"roles\":[null]}",
                admin);
        assertEquals(400, nullCreate.status(), nullCreate.toString());
        Api.Res nullPermission = api.post(
                "/api/admin/roles", "{\"name\":\"" + Api.uniqueRole("N") + "\",\"permissions\":[null]}", admin);
        assertEquals(400, nullPermission.status(), nullPermission.toString());
        assertEquals(
                404,
                api.put("/api/admin/users/" + java.util.UUID.randomUUID() + "/roles", obj("roles", List.of()), admin)
                        .status());
    }

    @Test
    void nobodyGrantsWhatTheyLackOrChangesTheirOwnRoles() throws Exception {
        String admin = api.adminToken();
        // A role manager who may assign roles and write roles, but holds nothing else.
        String manager = role(admin, "MANAGER", List.of("roles:assign", "roles:write", "roles:read", "users:write"));
        Api.Account m = api.account(admin, manager);
        Api.Account target = api.account(admin);
        String auditor = role(admin, "AUDITOR", List.of("audit:read"));

        Api.Res own =
                api.put("/api/admin/users/" + m.id() + "/roles", obj("roles", List.of(manager, "ADMIN")), m.token());
        assertEquals(403, own.status(), own.toString());
        Api.Res grantAdmin =
                api.put("/api/admin/users/" + target.id() + "/roles", obj("roles", List.of("ADMIN")), m.token());
        assertEquals(403, grantAdmin.status(), grantAdmin.toString());
        assertTrue(grantAdmin.json().get("detail").asText().contains("audit:read"), grantAdmin.toString());
        Api.Res grantAuditor =
                api.put("/api/admin/users/" + target.id() + "/roles", obj("roles", List.of(auditor)), m.token());
        assertEquals(403, grantAuditor.status());
        Api.Res grantOwnKind =
                api.put("/api/admin/users/" + target.id() + "/roles", obj("roles", List.of(manager)), m.token());
        assertEquals(200, grantOwnKind.status(), "granting what one holds is allowed: " + grantOwnKind);

        Api.Res makeRole = api.post(
                "/api/admin/roles",
                obj("name", Api.uniqueRole("SNEAKY"), "permissions", List.of("users:delete")),
                m.token());
        assertEquals(403, makeRole.status(), makeRole.toString());
        Api.Res widen = api.put(
                "/api/admin/roles/" + manager,
                obj("permissions", List.of("roles:assign", "roles:write", "roles:read", "users:write", "audit:read")),
                m.token());
        assertEquals(403, widen.status(), widen.toString());
        Api.Res stripAuditor = api.delete("/api/admin/roles/" + auditor, m.token());
        assertEquals(403, stripAuditor.status());
        Api.Res createAdmin = api.post(
                "/api/users",
                obj("email", Api.uniqueEmail(), "password", "a long passphrase here", "roles", List.of("ADMIN")),
                m.token());
        assertEquals(403, createAdmin.status(), createAdmin.toString());
        Api.Res disableAdmin =
                api.patch("/api/users/" + api.account(admin, "ADMIN").id(), obj("enabled", false), m.token());
        assertEquals(403, disableAdmin.status(), "acting over a more privileged user: " + disableAdmin);

        // Nothing above changed the database.
        try (Connection c = server.db();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select string_agg(role_name, ',' order by role_name) from user_roles where user_id = '"
                                + m.id() + "'")) {
            rs.next();
            assertEquals(String.join(",", new TreeSet<>(List.of(manager, "USER"))), rs.getString(1));
        }
        assertEquals(
                4,
                api.get("/api/admin/roles/" + manager, admin)
                        .json()
                        .get("permissions")
                        .size());
    }

    @Test
    void theLastAdminCannotBeDemotedDisabledOrDeleted() throws Exception {
        String admin = api.adminToken();
        String superRole = role(admin, "SUPER", ALL);
        Api.Account sup = api.account(admin, superRole);
        Api.Account a = api.account(admin, "ADMIN");
        Api.Account b = api.account(admin, "ADMIN");
        String rootId = api.get("/api/users/me", admin).json().get("id").asText();
        List<String> demoted = new ArrayList<>();
        try {
            // Leave a and b as the only admins.
            JsonNode admins = api.get("/api/users?role=ADMIN&size=100", sup.token())
                    .json()
                    .get("items");
            for (JsonNode u : admins) {
                String id = u.get("id").asText();
                if (!id.equals(a.id()) && !id.equals(b.id())) {
                    Api.Res r = api.put("/api/admin/users/" + id + "/roles", obj("roles", List.of()), sup.token());
                    assertEquals(200, r.status(), r.toString());
                    demoted.add(id);
                }
            }
            // a and b demote each other at the same moment: exactly one wins.
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Callable<Integer>> race = List.of(
                    () -> api.put("/api/admin/users/" + b.id() + "/roles", obj("roles", List.of()), a.token())
                            .status(),
                    () -> api.put("/api/admin/users/" + a.id() + "/roles", obj("roles", List.of()), b.token())
                            .status());
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(race)) {
                statuses.add(f.get());
            }
            pool.shutdown();
            // The loser is refused by the last-admin rule (409) or, when the winner committed first,
            // because its demotion cut off its token (401) or took its permissions (403); never both
            // succeed.
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertTrue(statuses.stream().anyMatch(s -> s == 409 || s == 401 || s == 403), statuses.toString());
            JsonNode left =
                    api.get("/api/users?role=ADMIN&size=100", sup.token()).json();
            assertEquals(1, left.get("total").asInt(), left.toString());
            String last = left.get("items").get(0).get("id").asText();

            Api.Res demote = api.put("/api/admin/users/" + last + "/roles", obj("roles", List.of()), sup.token());
            assertEquals(409, demote.status(), demote.toString());
            assertEquals(
                    "https://vigile.dev/problems/conflict",
                    demote.json().get("type").asText());
            assertEquals(
                    409,
                    api.patch("/api/users/" + last, obj("enabled", false), sup.token())
                            .status());
            assertEquals(409, api.delete("/api/users/" + last, sup.token()).status());
            assertEquals(
                    1,
                    api.get("/api/users?role=ADMIN&enabled=true", sup.token())
                            .json()
                            .get("total")
                            .asInt());
        } finally {
            for (String id : demoted) {
                api.put("/api/admin/users/" + id + "/roles", obj("roles", List.of("ADMIN")), sup.token());
            }
        }
        assertEquals(200, api.get("/api/admin/dashboard", api.adminToken()).status(), "root is an admin again");
        assertTrue(demoted.contains(rootId));
    }
}
