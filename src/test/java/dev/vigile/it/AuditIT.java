package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static dev.vigile.it.Api.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The audit log: what is recorded, that it cannot be changed, and that changes are found. */
@SharedServer
class AuditIT {
    final Api api = new Api();
    final TestServer server = TestServer.get();

    /** Calls with a request id of our own, so the audit row can be found by it. */
    private String rid;

    private Api.Res traced(String method, String path, Object body, String token) {
        rid = "it-" + UUID.randomUUID();
        return api.call(method, path, body, token, Map.of("X-Request-Id", rid));
    }

    /** The audit rows written for the last traced request, as column → value. */
    private List<Map<String, String>> rows() throws SQLException {
        return rows(
                "select * from audit_events where request_id = ? and action <> 'notification.sent' order by id", rid);
    }

    /** The kinds of the notifications the last traced request raised (each audited). */
    private List<String> notified() throws SQLException {
        List<String> kinds = new ArrayList<>();
        rows(
                        "select details->>'kind' as kind from audit_events where request_id = ?"
                                + " and action = 'notification.sent' order by id",
                        rid)
                .forEach(r -> kinds.add(r.get("kind")));
        return kinds;
    }

    private List<Map<String, String>> rows(String sql, Object... params) throws SQLException {
        List<Map<String, String>> out = new ArrayList<>();
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ResultSet rs = ps.executeQuery();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** Exactly one row for the last traced request, with the client's address, agent and id. */
    private Map<String, String> one(String action, String outcome, String actorId, String actorEmail, String targetId)
            throws SQLException {
        List<Map<String, String>> rows = rows();
        assertEquals(1, rows.size(), action + ": " + rows);
        Map<String, String> row = rows.get(0);
        assertEquals(action, row.get("action"), row.toString());
        assertEquals(outcome, row.get("outcome"), row.toString());
        assertEquals(actorId, row.get("actor_id"), row.toString());
        assertEquals(actorEmail, row.get("actor_email"), row.toString());
        if (targetId != null) {
            assertEquals(targetId, row.get("target_id"), row.toString());
        }
        assertEquals(api.clientAddress(), row.get("ip"));
        assertEquals("vigile-it", row.get("user_agent"));
        assertNotNull(row.get("occurred_at"));
        assertEquals(64, row.get("hash").length());
        return row;
    }

    /** The access.denied rows of one user: their counts, oldest first. */
    private List<Long> deniedCounts(String userId) throws SQLException {
        List<Long> counts = new ArrayList<>();
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(
                        "select (details->>'count')::bigint from audit_events where action = 'access.denied'"
                                + " and actor_id = ?::uuid and target_id = 'GET /api/users/{id}' order by id")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.add(rs.getLong(1));
                }
            }
        }
        return counts;
    }

    @Test
    void twoHundredDenialsMakeAHandfulOfRowsThatCountThemAll() throws Exception {
        Api.Account user = api.account(api.adminToken());
        for (int i = 0; i < 200; i++) {
            // A different id each time: the route, not the URL, is what is counted.
            Api.Res r = api.get("/api/users/" + UUID.randomUUID(), user.token());
            assertEquals(403, r.status(), r.toString());
        }
        // The first denial is written at once; the repeats when their window (10 s here) closes.
        List<Long> counts = deniedCounts(user.id());
        assertEquals(1L, counts.get(0), "the first denial, at once: " + counts);
        counts = org.awaitility.Awaitility.await("every denial counted")
                .atMost(java.time.Duration.ofSeconds(120))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(
                        () -> deniedCounts(user.id()),
                        c -> c.stream().mapToLong(Long::longValue).sum() >= 200);
        assertEquals(200, counts.stream().mapToLong(Long::longValue).sum(), "every denial counted: " + counts);
        assertTrue(counts.size() <= 20, "aggregated, not one row each: " + counts.size() + " rows");
        assertTrue(
                api.get("/api/admin/audit/verify", api.adminToken())
                        .json()
                        .get("valid")
                        .asBoolean(),
                "still chained");
    }

    @Test
    void everyActionIsRecordedOnceWithItsFieldsAndNoSecret() throws Exception {
        String admin = api.adminToken();
        String adminId = api.get("/api/users/me", admin).json().get("id").asText();
        List<String> secrets = new ArrayList<>();

        String email = uniqueEmail();
        String password = "audited passphrase " + UUID.randomUUID();
        secrets.add(password);
        Api.Res reg = traced("POST", "/api/auth/register", obj("email", email, "password", password), null);
        assertEquals(201, reg.status());
        String id = reg.json().get("user").get("id").asText();
        secrets.add(reg.json().get("access_token").asText());
        secrets.add(reg.json().get("refresh_token").asText());
        one("auth.register", "success", id, email, id);

        Api.Res login = traced("POST", "/api/auth/login", obj("email", email, "password", password), null);
        assertEquals(200, login.status());
        String refresh = login.json().get("refresh_token").asText();
        secrets.add(refresh);
        one("auth.login", "success", id, email, id);

        String wrong = "wrong passphrase " + UUID.randomUUID();
        secrets.add(wrong);
        assertEquals(
                401,
                traced("POST", "/api/auth/login", obj("email", email, "password", wrong), null)
                        .status());
        Map<String, String> failed = one("auth.login.failed", "failure", id, email, id);
        assertTrue(failed.get("details").contains("wrong password"), failed.toString());

        String stranger = uniqueEmail();
        assertEquals(
                401,
                traced("POST", "/api/auth/login", obj("email", stranger, "password", wrong), null)
                        .status());
        one("auth.login.failed", "failure", null, stranger, null);

        Api.Res refreshed = traced("POST", "/api/auth/refresh", obj("refreshToken", refresh), null);
        assertEquals(200, refreshed.status());
        secrets.add(refreshed.json().get("refresh_token").asText());
        one("auth.refresh", "success", id, email, null);
        assertEquals(
                401,
                traced("POST", "/api/auth/refresh", obj("refreshToken", refresh), null)
                        .status());
        one("auth.refresh.reuse", "failure", id, email, null);
        assertEquals(List.of("security.refresh_reuse"), notified());

        Api.Res again = api.login(email, password);
        String token = again.json().get("access_token").asText();
        assertEquals(
                204,
                traced(
                                "POST",
                                "/api/auth/logout",
                                obj(
                                        "refreshToken",
                                        again.json().get("refresh_token").asText()),
                                null)
                        .status());
        one("auth.logout", "success", id, email, null);

        Api.Res third = api.login(email, password);
        token = third.json().get("access_token").asText();
        String newPassword = "another audited passphrase " + UUID.randomUUID();
        secrets.add(newPassword);
        assertEquals(
                204,
                traced(
                                "PUT",
                                "/api/users/me/password",
                                obj("currentPassword", password, "newPassword", newPassword),
                                token)
                        .status());
        one("auth.password.changed", "success", id, email, id);
        assertEquals(List.of("password.changed"), notified());
        token = api.login(email, newPassword).json().get("access_token").asText();

        assertEquals(
                200,
                traced("PATCH", "/api/users/me", obj("displayName", "Audited"), token)
                        .status());
        one("user.updated", "success", id, email, id);

        assertEquals(403, traced("GET", "/api/users", null, token).status());
        Map<String, String> denied = one("access.denied", "denied", id, email, null);
        assertEquals("GET /api/users", denied.get("target_id"));

        String otherEmail = uniqueEmail();
        String otherPassword = "made by the admin " + UUID.randomUUID();
        secrets.add(otherPassword);
        Api.Res created = traced("POST", "/api/users", obj("email", otherEmail, "password", otherPassword), admin);
        assertEquals(201, created.status());
        String otherId = created.json().get("id").asText();
        one("user.created", "success", adminId, TestServer.ADMIN_EMAIL, otherId);

        String role = Api.uniqueRole("AUDITED");
        assertEquals(
                201,
                traced("POST", "/api/admin/roles", obj("name", role, "permissions", List.of("users:read")), admin)
                        .status());
        assertTrue(one("role.created", "success", adminId, TestServer.ADMIN_EMAIL, role)
                .get("details")
                .contains("users:read"));
        assertEquals(
                200,
                traced("PUT", "/api/admin/users/" + otherId + "/roles", obj("roles", List.of(role)), admin)
                        .status());
        assertTrue(one("user.roles.changed", "success", adminId, TestServer.ADMIN_EMAIL, otherId)
                .get("details")
                .contains(role));
        assertEquals(List.of("role.changed"), notified());
        assertEquals(
                200,
                traced("PATCH", "/api/users/" + otherId, obj("enabled", false), admin)
                        .status());
        one("user.updated", "success", adminId, TestServer.ADMIN_EMAIL, otherId);
        assertEquals(
                200,
                traced("PUT", "/api/admin/roles/" + role, obj("permissions", List.of()), admin)
                        .status());
        one("role.updated", "success", adminId, TestServer.ADMIN_EMAIL, role);
        assertEquals(
                204, traced("DELETE", "/api/admin/roles/" + role, null, admin).status());
        one("role.deleted", "success", adminId, TestServer.ADMIN_EMAIL, role);
        assertEquals(204, traced("DELETE", "/api/users/" + otherId, null, admin).status());
        one("user.deleted", "success", adminId, TestServer.ADMIN_EMAIL, otherId);

        // A refused change records nothing as a success.
        assertEquals(
                409, traced("DELETE", "/api/admin/roles/ADMIN", null, admin).status());
        assertTrue(rows().isEmpty(), rows().toString());

        // The API shows the same events, newest first, filtered by actor.
        Api.Res mine = api.get("/api/admin/audit?actor=" + id + "&size=100", admin);
        assertEquals(200, mine.status());
        JsonNode items = mine.json().get("items");
        assertTrue(items.size() >= 9, mine.toString());
        for (int i = 1; i < items.size(); i++) {
            assertTrue(
                    items.get(i - 1).get("id").asLong() > items.get(i).get("id").asLong());
        }
        items.forEach(e -> assertEquals(id, e.get("actorId").asText()));
        assertEquals(mine.json().get("total").asText(), mine.header("X-Total-Count"));
        JsonNode byEmail = api.get("/api/admin/audit?actor=" + email.toUpperCase() + "&size=100", admin)
                .json();
        assertEquals(mine.json().get("total").asLong(), byEmail.get("total").asLong(), "by email, case-insensitively");

        // No password, token or hash anywhere in the log.
        String everything = rows("select string_agg(a::text, E'\\n') as t from audit_events a")
                .get(0)
                .get("t");
        for (String secret : secrets) {
            assertFalse(everything.contains(secret), "a secret reached the audit log");
        }
        assertFalse(everything.contains("$argon2"));
    }

    /** Refreshes the session of {@code refresh[0]} with these headers; keeps its successor. */
    private void refreshTraced(String[] refresh, Map<String, String> headers) {
        rid = "it-" + UUID.randomUUID();
        Map<String, String> h = new java.util.HashMap<>(headers);
        h.put("X-Request-Id", rid);
        Api.Res r = api.call("POST", "/api/auth/refresh", obj("refreshToken", refresh[0]), null, h);
        assertEquals(200, r.status(), r.body());
        refresh[0] = r.json().get("refresh_token").asText();
    }

    @Test
    void aSessionsRefreshesAreAuditedAtTheFirstOnAChangeOfClientAndOnceAnHour() throws Exception {
        String email = uniqueEmail();
        Api.Res reg = api.register(email, "hourly passphrase " + UUID.randomUUID());
        String userId = reg.json().get("user").get("id").asText();
        String[] refresh = {reg.json().get("refresh_token").asText()};
        String session = rows("select s.id::text as id from sessions s where s.user_id = ?::uuid", userId)
                .get(0)
                .get("id");

        refreshTraced(refresh, Map.of());
        one("auth.refresh", "success", userId, email, session);
        String auditedAt = rows("select refresh_audited_at::text as at from sessions where id = ?::uuid", session)
                .get(0)
                .get("at");
        assertNotNull(auditedAt);

        // The same client within the hour: rotated, not audited, the mark unchanged.
        for (int i = 0; i < 3; i++) {
            refreshTraced(refresh, Map.of());
            assertEquals(List.of(), rows(), "refresh " + (i + 2) + " of the same client");
        }
        assertEquals(
                auditedAt,
                rows("select refresh_audited_at::text as at from sessions where id = ?::uuid", session)
                        .get(0)
                        .get("at"));

        // Another user agent presents the token: audited, with that agent; then quiet again.
        refreshTraced(refresh, Map.of("User-Agent", "another-agent/1.0"));
        List<Map<String, String>> moved = rows();
        assertEquals(1, moved.size(), moved.toString());
        assertEquals("auth.refresh", moved.get(0).get("action"));
        assertEquals("another-agent/1.0", moved.get(0).get("user_agent"));
        assertEquals(session, moved.get(0).get("target_id"));
        refreshTraced(refresh, Map.of("User-Agent", "another-agent/1.0"));
        assertEquals(List.of(), rows());

        // An hour after the last audited refresh, the next is audited.
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(
                        "update sessions set refresh_audited_at = refresh_audited_at - interval '61 minutes'"
                                + " where id = ?::uuid")) {
            ps.setString(1, session);
            assertEquals(1, ps.executeUpdate());
        }
        refreshTraced(refresh, Map.of("User-Agent", "another-agent/1.0"));
        assertEquals(1, rows().size(), "the hour's first refresh");
        JsonNode verify = api.get("/api/admin/audit/verify", api.adminToken()).json();
        assertTrue(verify.get("valid").asBoolean(), verify.toString());
    }

    @Test
    void aRolledBackChangeLeavesNoSuccessRow() throws Exception {
        JsonNode t = api.newUser();
        String token = t.get("access_token").asText();
        String marker = "explode-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = server.db();
                Statement s = c.createStatement()) {
            // Fails at commit time, after the change and its audit row were written.
            s.execute("create or replace function it_explode() returns trigger language plpgsql as $$"
                    + " begin if new.display_name like 'explode-%' then raise exception 'injected commit failure'; end if;"
                    + " return new; end $$");
            s.execute("create constraint trigger it_explode after update on users deferrable initially deferred"
                    + " for each row execute function it_explode()");
        }
        try {
            Api.Res r = traced("PATCH", "/api/users/me", obj("displayName", marker), token);
            assertEquals(503, r.status(), "a failed commit is not the client's fault: " + r);
            assertTrue(Long.parseLong(r.header("Retry-After")) >= 1);
            assertEquals("application/problem+json", r.header("Content-Type"));
            assertFalse(r.body().contains("injected"), "no internals in the answer");
        } finally {
            try (Connection c = server.db();
                    Statement s = c.createStatement()) {
                s.execute("drop trigger it_explode on users");
                s.execute("drop function it_explode()");
            }
        }
        assertTrue(rows().isEmpty(), "the rolled-back change left an audit row: " + rows());
        assertNull(api.get("/api/users/me", token).json().get("displayName"));
        Api.Res ok = traced("PATCH", "/api/users/me", obj("displayName", marker), token);
        assertEquals(200, ok.status());
        assertEquals(1, rows().size());
    }

    @Test
    void theDatabaseRefusesToUpdateOrDeleteAuditRows() throws Exception {
        api.newUser();
        try (Connection c = server.db();
                Statement s = c.createStatement()) {
            SQLException update = assertThrows(
                    SQLException.class, () -> s.executeUpdate("update audit_events set outcome = 'failure'"));
            assertTrue(update.getMessage().contains("append-only"), update.getMessage());
            SQLException delete = assertThrows(SQLException.class, () -> s.executeUpdate("delete from audit_events"));
            assertTrue(delete.getMessage().contains("append-only"), delete.getMessage());
            SQLException truncate = assertThrows(SQLException.class, () -> s.executeUpdate("truncate audit_events"));
            assertTrue(truncate.getMessage().contains("append-only"), truncate.getMessage());
            ResultSet rs = s.executeQuery("select count(*) from audit_events where outcome = 'success'");
            rs.next();
            assertTrue(rs.getLong(1) > 0);
        }
    }

    /** Inserts a test row; returns its id and hash as the inserting transaction sees them. */
    private static Map<String, String> insertAuditRow(Connection c, String marker) throws SQLException {
        try (PreparedStatement key = c.prepareStatement("select set_config('vigile.audit_key', ?, false)")) {
            // As the application does: no row is sealed without the audit key.
            key.setString(1, TestServer.auditKeyHex());
            key.execute();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into audit_events (action, target_type, target_id, outcome) values ('it.pending', 'test', ?,"
                        + " 'success') returning id, hash")) {
            ps.setString(1, marker);
            ResultSet rs = ps.executeQuery();
            rs.next();
            Map<String, String> row = new LinkedHashMap<>();
            row.put("id", rs.getString(1));
            row.put("hash", rs.getString(2));
            return row;
        }
    }

    /**
     * The chain's lock is taken at commit: a transaction that wrote an audit row and stays open
     * does not hold up any other writer, and its row still takes its place in commit order.
     */
    @Test
    void anOpenTransactionDoesNotHoldUpOtherAuditWriters() throws Exception {
        String admin = api.adminToken();
        String slow = "slow-" + UUID.randomUUID();
        String quick = "quick-" + UUID.randomUUID();
        try (Connection open = server.db();
                Connection other = server.db()) {
            open.setAutoCommit(false);
            Map<String, String> pending = insertAuditRow(open, slow);
            // Not yet committed: a provisional id and no place in the chain.
            long provisional = Long.parseLong(pending.get("id"));
            assertTrue(provisional < 0, "provisional id " + provisional);
            assertNull(pending.get("hash"));
            try (Statement s = other.createStatement()) {
                // Before V4 this insert waited for the open transaction's lock and failed here.
                s.execute("set lock_timeout = '5s'");
            }
            insertAuditRow(other, quick);
            // An API write is audited, and answers, while the transaction is still open.
            api.newUser();
            try (Statement s = open.createStatement()) {
                SQLException update = assertThrows(
                        SQLException.class,
                        () -> s.executeUpdate(
                                "update audit_events set hash = repeat('0', 64) where id = " + provisional));
                assertTrue(update.getMessage().contains("append-only"), update.getMessage());
            }
            open.rollback();
            insertAuditRow(open, slow);
            open.commit();
        }
        List<Map<String, String>> rows = rows(
                "select id, target_id, prev_hash, hash from audit_events where target_id in (?, ?) order by id",
                quick,
                slow);
        assertEquals(2, rows.size(), rows.toString());
        assertEquals(quick, rows.get(0).get("target_id"), "committed first, so earlier in the chain");
        assertEquals(slow, rows.get(1).get("target_id"));
        for (Map<String, String> row : rows) {
            assertTrue(Long.parseLong(row.get("id")) > 0, row.toString());
            assertEquals(64, row.get("hash").length());
        }
        assertTrue(rows("select id from audit_events where id < 0").isEmpty());
        JsonNode v = api.get("/api/admin/audit/verify", admin).json();
        assertTrue(v.get("valid").asBoolean(), v.toString());
    }

    /**
     * The seal runs inside every audited commit, under the chain's lock, from plans each pooled
     * connection keeps for its life. A plan made while the table was a page long scanned it whole,
     * and went on scanning it at every commit as it grew (V11). Here the planner is told that
     * reading a table costs nothing, as a stale plan believes, and PostgreSQL's own plans for the
     * seal's statements (auto_explain, sent to this client) must still look the rows up by index.
     */
    @Test
    void theSealFindsItsRowsByIndexWhateverThePlannerBelieves() throws Exception {
        String marker = "plan-" + UUID.randomUUID();
        List<String> plans = new ArrayList<>();
        try (Connection c = server.db()) {
            try (Statement s = c.createStatement()) {
                s.execute("load 'auto_explain'");
                s.execute("set auto_explain.log_min_duration = 0");
                s.execute("set auto_explain.log_nested_statements = on");
                s.execute("set auto_explain.log_level = notice");
                s.execute("set client_min_messages = notice");
                s.execute("set seq_page_cost = 0");
                s.execute("set cpu_tuple_cost = 0");
                s.execute("set cpu_operator_cost = 0");
                s.execute("set plan_cache_mode = force_generic_plan");
            }
            c.setAutoCommit(false);
            insertAuditRow(c, marker);
            c.clearWarnings();
            c.commit();
            for (java.sql.SQLWarning w = c.getWarnings(); w != null; w = w.getNextWarning()) {
                plans.add(w.getMessage());
            }
        }
        String head = plans.stream()
                .filter(p -> p.contains("order by a.id desc limit 1"))
                .findFirst()
                .orElse(null);
        String rewrite = plans.stream()
                .filter(p -> p.contains("update audit_events"))
                .findFirst()
                .orElse(null);
        assertNotNull(head, "the seal's read of the chain's head was planned: " + plans);
        assertNotNull(rewrite, "the seal's rewrite of its row was planned: " + plans);
        assertTrue(head.contains("Index Scan Backward using audit_events_pkey"), head);
        assertTrue(rewrite.contains("Index Scan using audit_events_pkey"), rewrite);
        for (String plan : plans) {
            assertFalse(plan.contains("Seq Scan on audit_events"), plan);
        }
        List<Map<String, String>> sealed = rows("select id, hash from audit_events where target_id = ?", marker);
        assertEquals(1, sealed.size(), sealed.toString());
        assertTrue(Long.parseLong(sealed.get(0).get("id")) > 0, sealed.toString());
        assertEquals(64, sealed.get(0).get("hash").length());
    }

    /**
     * What a stolen application password gives: the role Vigile runs as can read and append audit
     * rows and nothing more. These fail on the grants, before any trigger: the message is
     * PostgreSQL's own, not the append-only trigger's.
     */
    @Test
    void theApplicationsRoleCanNeitherChangeNorUnprotectTheAuditLog() throws Exception {
        api.newUser();
        try (Connection c = server.appDb();
                Statement s = c.createStatement()) {
            ResultSet who = s.executeQuery("select current_user, rolsuper from pg_roles where rolname = current_user");
            who.next();
            assertFalse(who.getBoolean(2), "the application's role is not a superuser");
            for (String sql : List.of(
                    "alter table audit_events disable trigger user",
                    "alter table audit_events disable trigger audit_events_no_change",
                    "drop trigger audit_events_no_change on audit_events",
                    "alter table audit_chain_keyed disable trigger user",
                    "create or replace function audit_event_hash(prev text, e audit_events) returns char(64)"
                            + " language sql as $$ select repeat('0', 64)::char(64) $$")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage());
                assertTrue(
                        e.getMessage().contains("must be owner")
                                || e.getMessage().contains("permission denied"),
                        sql + ": " + e.getMessage());
            }
            for (String sql : List.of(
                    "update audit_events set outcome = 'failure'",
                    "delete from audit_events",
                    "truncate audit_events",
                    "update audit_chain_keyed set from_id = from_id + 1000000",
                    "delete from audit_chain_keyed",
                    "delete from audit_verified",
                    "update audit_verified set upto_id = 9223372036854775807",
                    "insert into audit_verified (upto_id, hash, mac, verified_at) values (1, 'x', 'y', now())",
                    "select count(*) from flyway_schema_history",
                    "create table intruder (id int)")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage());
                assertTrue(e.getMessage().contains("permission denied"), sql + ": " + e.getMessage());
            }
            // Without the key, not even an append commits.
            SQLException unkeyed = assertThrows(
                    SQLException.class,
                    () -> s.executeUpdate(
                            "insert into audit_events (action, target_type, outcome) values ('it.intruder', 'test', 'success')"));
            assertTrue(unkeyed.getMessage().contains("without the audit key"), unkeyed.getMessage());
            ResultSet rs = s.executeQuery("select count(*) from audit_events where action = 'it.intruder'");
            rs.next();
            assertEquals(0, rs.getLong(1));
        }
        JsonNode audit = api.readinessCheck("vigile-audit");
        assertEquals("append-only", audit.get("data").get("databaseRole").asText(), audit.toString());
    }

    /** Rows from {@code fromId} on, as they are now: what a tampering test puts back. */
    private static void saveFrom(Statement s, long fromId) throws SQLException {
        s.execute("drop table if exists saved_tail");
        s.execute("create temp table saved_tail as select id, prev_hash, hash, details from audit_events where id >= "
                + fromId);
    }

    private static void restoreSaved(Statement s) throws SQLException {
        s.executeUpdate("update audit_events a set prev_hash = t.prev_hash, hash = t.hash, details = t.details"
                + " from saved_tail t where a.id = t.id");
    }

    /**
     * A superuser (or anyone owning the table) rewrites a row and recomputes every plain hash after
     * it, so that the SHA-256 chain is whole again: the keyed links still give the row away. The
     * chain's own lock is held meanwhile, so that no row the server seals chains onto the forgery.
     */
    @Test
    void aRowRewrittenWithRecomputedHashesIsFoundByItsKeyedLink() throws Exception {
        String admin = api.adminToken();
        for (int i = 0; i < 3; i++) {
            api.newUser();
        }
        try (Connection c = server.db();
                Statement s = c.createStatement()) {
            s.execute("select pg_advisory_lock(7363102836530911013)");
            ResultSet rs = s.executeQuery(
                    "select id from audit_events where action = 'auth.register' order by id desc limit 1 offset 1");
            rs.next();
            long victim = rs.getLong(1);
            saveFrom(s, victim);
            s.execute("set session_replication_role = replica");
            try {
                s.executeUpdate("update audit_events set details = '{\"forged\": true}' where id = " + victim);
                s.execute("do $$ declare r record; prev char(64); begin"
                        + " select hash into prev from audit_events where id > 0 and id < " + victim
                        + " order by id desc limit 1;"
                        + " for r in select id from audit_events where id >= " + victim + " order by id loop"
                        + "   update audit_events set prev_hash = coalesce(prev, repeat('0', 64)) where id = r.id;"
                        + "   update audit_events a set hash = audit_event_hash(a.prev_hash, a) where a.id = r.id returning a.hash into prev;"
                        + " end loop; end $$");
                ResultSet plain = s.executeQuery(
                        "select count(*) from (select hash, prev_hash, audit_event_hash(prev_hash, a) as computed,"
                                + " lag(hash) over (order by id) as before from audit_events a where id > 0) x"
                                + " where hash <> computed or (before is not null and prev_hash <> before)");
                plain.next();
                assertEquals(0, plain.getLong(1), "the plain SHA-256 chain is whole again: only the key can tell");
                JsonNode forged = api.get("/api/admin/audit/verify", admin).json();
                assertFalse(forged.get("valid").asBoolean(), forged.toString());
                assertEquals(victim, forged.get("firstBrokenId").asLong(), forged.toString());

                // Claiming the keyed chain starts later (so that the row would need no link) is found too.
                restoreSaved(s);
                assertTrue(
                        api.get("/api/admin/audit/verify", admin)
                                .json()
                                .get("valid")
                                .asBoolean(),
                        "put back");
                s.executeUpdate("update audit_chain_keyed set from_id = from_id + 1000000000");
                JsonNode moved = api.get("/api/admin/audit/verify", admin).json();
                assertFalse(moved.get("valid").asBoolean(), moved.toString());
                ResultSet firstRow = s.executeQuery("select min(id) from audit_events where id > 0");
                firstRow.next();
                assertEquals(firstRow.getLong(1), moved.get("firstBrokenId").asLong(), moved.toString());
                s.executeUpdate("update audit_chain_keyed set from_id = from_id - 1000000000");
            } finally {
                restoreSaved(s);
                s.execute("set session_replication_role = origin");
                s.execute("select pg_advisory_unlock(7363102836530911013)");
            }
        }
        JsonNode after = api.get("/api/admin/audit/verify", admin).json();
        assertTrue(after.get("valid").asBoolean(), after.toString());
    }

    /**
     * A verify that passes signs where it ended; {@code ?resume=true} walks only what came after,
     * once that event is found unchanged. A changed marked event, a forged mark or a tail cut off
     * with the marked event is a break at the mark, in either walk; a verify that fails moves no
     * mark. What a resumed verify does not prove, a row changed before the mark, a full one finds.
     */
    @Test
    void aResumedVerifyWalksOnlyWhatWasAppendedSinceTheLastThatPassed() throws Exception {
        String admin = api.adminToken();
        JsonNode full = api.get("/api/admin/audit/verify", admin).json();
        assertTrue(full.get("valid").asBoolean(), full.toString());
        assertNull(full.get("resumedAfter"), full.toString());
        long mark = markedId();
        assertTrue(mark > 0);
        for (int i = 0; i < 3; i++) {
            api.newUser();
        }
        Api.Res r = api.get("/api/admin/audit/verify?resume=true", admin);
        assertEquals(200, r.status(), r.toString());
        JsonNode resumed = r.json();
        assertTrue(resumed.get("valid").asBoolean(), resumed.toString());
        assertEquals(mark, resumed.get("resumedAfter").asLong());
        long next = markedId();
        assertTrue(next > mark, "the mark moved on");
        assertEquals(
                server.number("select count(*) from audit_events where id > " + mark + " and id <= ?", next),
                resumed.get("checked").asLong(),
                "only the events after the mark were walked");
        assertTrue(resumed.get("checked").asLong() >= 3, resumed.toString());
        assertTrue(resumed.get("checked").asLong() < full.get("checked").asLong(), resumed.toString());
        api.newUser();

        try (Connection c = server.db();
                Statement s = c.createStatement()) {
            long earlier = number(s, "select coalesce(max(id), 0) from audit_events where id < " + mark);
            long after = number(s, "select min(id) from audit_events where id > " + next);
            saveFrom(s, Math.max(earlier, 1));
            s.execute("create temp table saved_rows as select * from audit_events where id >= " + next);
            s.execute("create temp table saved_mark as select * from audit_verified");
            s.execute("set session_replication_role = replica");
            try {
                // A row after the mark changed: the resumed walk finds it, and the failed verify,
                // resumed or full, signs nothing.
                s.executeUpdate("update audit_events set details = '{\"forged\": true}' where id = " + after);
                assertBrokenAt(after, api.get("/api/admin/audit/verify?resume=true", admin));
                assertBrokenAt(after, api.get("/api/admin/audit/verify", admin));
                assertEquals(next, markedId(), "a verify that fails moves no mark");
                restoreSaved(s);

                // The marked event changed.
                s.executeUpdate("update audit_events set details = '{\"forged\": true}' where id = " + next);
                assertBrokenAt(next, api.get("/api/admin/audit/verify?resume=true", admin));
                assertBrokenAt(next, api.get("/api/admin/audit/verify", admin));
                restoreSaved(s);

                // The tail cut off with the marked event: the rest verifies, the mark tells.
                s.executeUpdate("delete from audit_events where id >= " + next);
                assertBrokenAt(next, api.get("/api/admin/audit/verify", admin));
                assertBrokenAt(next, api.get("/api/admin/audit/verify?resume=true", admin));
                s.executeUpdate("insert into audit_events select * from saved_rows");

                // A mark moved without the key.
                s.executeUpdate("update audit_verified set upto_id = " + mark + ", hash = (select hash from"
                        + " audit_events where id = " + mark + "), link = (select link from audit_events where id = "
                        + mark + ")");
                assertBrokenAt(mark, api.get("/api/admin/audit/verify?resume=true", admin));
                assertBrokenAt(mark, api.get("/api/admin/audit/verify", admin));
                s.executeUpdate("update audit_verified v set upto_id = m.upto_id, hash = m.hash, link = m.link,"
                        + " mac = m.mac from saved_mark m");

                // What a resumed verify does not prove: a row before the mark changed since.
                s.executeUpdate("update audit_events set details = '{\"forged\": true}' where id = " + earlier);
                JsonNode blind =
                        api.get("/api/admin/audit/verify?resume=true", admin).json();
                assertTrue(blind.get("valid").asBoolean(), blind.toString());
                assertBrokenAt(earlier, api.get("/api/admin/audit/verify", admin));
            } finally {
                restoreSaved(s);
                s.executeUpdate("insert into audit_events select * from saved_rows on conflict (id) do nothing");
                s.execute("set session_replication_role = origin");
            }
        }
        assertTrue(api.get("/api/admin/audit/verify", admin).json().get("valid").asBoolean());
        for (String bad : List.of("yes", "TRUE", "", "true&resume=true")) {
            Api.Res refused = api.get("/api/admin/audit/verify?resume=" + bad, admin);
            assertEquals(400, refused.status(), bad + ": " + refused);
            assertEquals(
                    "application/problem+json", refused.header("Content-Type").split(";")[0]);
        }
        // The application's role writes a mark only under the audit key.
        try (Connection c = server.appDb();
                Statement s = c.createStatement()) {
            long before = markedId();
            assertThrows(SQLException.class, () -> s.execute("select audit_mark_verified(" + before + ", 'x')"));
            assertEquals(before, markedId());
        }
    }

    private long markedId() throws SQLException {
        return server.number("select upto_id from audit_verified where only_row = ?", true);
    }

    private static void assertBrokenAt(long id, Api.Res r) {
        assertEquals(200, r.status(), r.toString());
        JsonNode v = r.json();
        assertFalse(v.get("valid").asBoolean(), v.toString());
        assertEquals(id, v.get("firstBrokenId").asLong(), v.toString());
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    private static long number(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    @Test
    void verifyFindsAChangedOrRemovedRow() throws Exception {
        String admin = api.adminToken();
        for (int i = 0; i < 3; i++) {
            api.newUser();
        }
        JsonNode before = api.get("/api/admin/audit/verify", admin).json();
        assertTrue(before.get("valid").asBoolean(), before.toString());
        assertTrue(before.get("checked").asLong() >= 3);
        try (Connection c = server.db();
                Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery(
                    "select id, details::text from audit_events where action = 'auth.register' order by id desc limit 1 offset 1");
            rs.next();
            long victim = rs.getLong(1);
            String original = rs.getString(2);
            // A superuser can step around the triggers; the chain still tells.
            s.execute("set session_replication_role = replica");
            try {
                s.executeUpdate("update audit_events set details = '{\"forged\": true}' where id = " + victim);
                JsonNode changed = api.get("/api/admin/audit/verify", admin).json();
                assertFalse(changed.get("valid").asBoolean(), changed.toString());
                assertEquals(victim, changed.get("firstBrokenId").asLong());
                s.executeUpdate("update audit_events set details = '" + original + "'::jsonb where id = " + victim);
                assertTrue(api.get("/api/admin/audit/verify", admin)
                        .json()
                        .get("valid")
                        .asBoolean());

                s.execute("create temp table saved as select * from audit_events where id = " + victim);
                s.executeUpdate("delete from audit_events where id = " + victim);
                JsonNode removed = api.get("/api/admin/audit/verify", admin).json();
                assertFalse(removed.get("valid").asBoolean());
                ResultSet next = s.executeQuery("select min(id) from audit_events where id > " + victim);
                next.next();
                assertEquals(next.getLong(1), removed.get("firstBrokenId").asLong());
                s.executeUpdate("insert into audit_events select * from saved");
            } finally {
                s.execute("set session_replication_role = origin");
            }
        }
        assertTrue(api.get("/api/admin/audit/verify", admin).json().get("valid").asBoolean());
    }

    @Test
    void concurrentWritersKeepOneUnbrokenChain() throws Exception {
        String admin = api.adminToken();
        long before = rows("select count(*) as n from audit_events").get(0).values().stream()
                .mapToLong(Long::parseLong)
                .sum();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Callable<Integer>> work = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int n = i;
            work.add(() -> {
                Api client = new Api();
                return n % 2 == 0
                        ? client.newUser().size()
                        : client.login(uniqueEmail(), "no such account passphrase")
                                .status();
            });
        }
        for (Future<Integer> f : pool.invokeAll(work)) {
            f.get();
        }
        pool.shutdown();
        long after = rows("select count(*) as n from audit_events").get(0).values().stream()
                .mapToLong(Long::parseLong)
                .sum();
        assertTrue(after - before >= 24, (after - before) + " rows");
        JsonNode v = api.get("/api/admin/audit/verify", admin).json();
        assertTrue(v.get("valid").asBoolean(), v.toString());
        assertEquals(after, v.get("checked").asLong());
        // Each row names the one before it.
        List<Map<String, String>> broken =
                rows("select id from (select id, prev_hash, lag(hash) over (order by id) as before from audit_events) x"
                        + " where before is not null and prev_hash <> before");
        assertTrue(broken.isEmpty(), broken.toString());
    }

    @Test
    void theListFiltersAndTheExportStreamsCsv() throws Exception {
        String admin = api.adminToken();
        JsonNode u = api.newUser();
        String id = u.get("user").get("id").asText();
        String email = u.get("user").get("email").asText();
        Api.Res formula = api.call(
                "POST",
                "/api/auth/login",
                obj("email", email, "password", "wrong for the export"),
                null,
                Map.of("User-Agent", "=HYPERLINK(\"http://evil\")"));
        assertEquals(401, formula.status());

        JsonNode failures = api.get("/api/admin/audit?actor=" + id + "&outcome=failure", admin)
                .json();
        assertEquals(1, failures.get("total").asInt(), failures.toString());
        assertEquals(
                "auth.login.failed", failures.get("items").get(0).get("action").asText());
        assertEquals(
                "wrong password",
                failures.get("items").get(0).get("details").get("reason").asText());
        JsonNode registers = api.get("/api/admin/audit?actor=" + id + "&action=auth.register", admin)
                .json();
        assertEquals(1, registers.get("total").asInt());
        String at = registers.get("items").get(0).get("occurredAt").asText();
        assertEquals(
                0,
                api.get("/api/admin/audit?actor=" + id + "&to=" + at, admin)
                        .json()
                        .get("total")
                        .asInt(),
                "to is exclusive");
        assertEquals(
                2,
                api.get("/api/admin/audit?actor=" + id + "&from=" + at, admin)
                        .json()
                        .get("total")
                        .asInt());
        assertEquals(
                1,
                api.get("/api/admin/audit?targetId=" + id + "&outcome=success", admin)
                        .json()
                        .get("total")
                        .asInt());
        for (String bad : List.of(
                "outcome=maybe",
                "from=yesterday",
                "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
                "action=DROP%20TABLE",
                "size=101",
                "sort=actorEmail")) {
            Api.Res r = api.get("/api/admin/audit?" + bad, admin);
            assertEquals(400, r.status(), bad + ": " + r);
            assertEquals("application/problem+json", r.header("Content-Type"));
        }

        Api.Res csv = api.get("/api/admin/audit/export?actor=" + id, admin);
        assertEquals(200, csv.status(), csv.toString());
        assertTrue(csv.header("Content-Type").startsWith("text/csv"), csv.header("Content-Type"));
        assertTrue(csv.header("Content-Disposition").contains("attachment"));
        String[] lines = csv.body().split("\r\n");
        assertEquals(3, lines.length, csv.body());
        assertTrue(lines[0].startsWith("id,occurredAt,actorId,actorEmail,action"));
        assertTrue(lines[1].contains(",auth.register,") && lines[2].contains(",auth.login.failed,"), csv.body());
        assertTrue(
                lines[2].contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","),
                "formula neutralised and quoted: " + lines[2]);
        assertEquals(
                1,
                api.get("/api/admin/audit?action=audit.exported&actor=" + TestServer.ADMIN_EMAIL + "&size=1", admin)
                        .json()
                        .get("items")
                        .size());
    }
}
