package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code before=<id>} on the two long, append-only lists (the inbox and the audit log): the items
 * just older than the id, newest first; {@code next} then asks for the items older than the last
 * one; refused where it cannot apply. And the audit log's unfiltered total, kept by the seal.
 */
@SharedServer
class KeysetPagingIT {
    static final Pattern NEXT = Pattern.compile("<([^>]*)>; rel=\"next\"");
    final Api api = new Api();
    final TestServer server = TestServer.get();

    static String next(Api.Res r) {
        String link = r.header("Link");
        if (link == null) {
            return null;
        }
        Matcher m = NEXT.matcher(link);
        return m.find() ? m.group(1) : null;
    }

    static List<Long> ids(Api.Res r) {
        List<Long> ids = new ArrayList<>();
        r.json().get("items").forEach(n -> ids.add(n.get("id").asLong()));
        return ids;
    }

    @Test
    void theInboxPagesBeforeAnIdAndItsNextLinkWalksEveryItemOnce() {
        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Api.Res r = api.post(
                    "/api/admin/notifications",
                    obj("audience", obj("type", "user", "value", a.id()), "title", "k" + i, "body", "b"),
                    admin);
            assertEquals(202, r.status(), r.toString());
        }
        List<Long> all = ids(api.get("/api/notifications?size=100", a.token()));
        assertEquals(7, all.size());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1) > all.get(i), "newest first: " + all);
        }

        // The items just older than an id, newest first, at most size of them.
        Api.Res page = api.get("/api/notifications?size=2&before=" + all.get(1), a.token());
        assertEquals(200, page.status(), page.toString());
        assertEquals(all.subList(2, 4), ids(page));
        assertEquals(7, page.json().get("total").asInt(), "total stays the list's total");
        assertEquals("7", page.header("X-Total-Count"));
        assertEquals(2, page.json().get("size").asInt());
        assertFalse(page.json().has("more"), "nothing but the contract's envelope: " + page.body());
        assertTrue(next(page).contains("before=" + all.get(3)), page.header("Link"));
        assertFalse(next(page).contains("page="), page.header("Link"));
        assertFalse(page.header("Link").contains("rel=\"prev\""), "a keyset page has no prev");

        // Walking next from the first numbered page: every item once, in order, then no next.
        Api.Res r = api.get("/api/notifications?size=3", a.token());
        List<Long> walked = new ArrayList<>(ids(r));
        assertTrue(next(r).contains("before=" + walked.get(2)), "next uses before: " + r.header("Link"));
        String link;
        int hops = 0;
        while ((link = next(r)) != null && hops++ < 10) {
            r = api.get(link, a.token());
            assertEquals(200, r.status(), r.toString());
            walked.addAll(ids(r));
        }
        assertEquals(all, walked);
        assertNull(next(r), "the last page has no next: " + r.header("Link"));
        assertEquals(1, ids(r).size());

        // A notification arriving between pages neither repeats nor hides an older one.
        Api.Res first = api.get("/api/notifications?size=4", a.token());
        api.post(
                "/api/admin/notifications",
                obj("audience", obj("type", "user", "value", a.id()), "title", "late", "body", "b"),
                admin);
        Api.Res second = api.get(next(first), a.token());
        assertEquals(all.subList(4, 7), ids(second));

        // Before the oldest: empty; past the newest: from the newest; with unread=true: the unread ones.
        Api.Res empty = api.get("/api/notifications?before=" + all.get(6), a.token());
        assertEquals(0, empty.json().get("items").size());
        assertNull(next(empty));
        assertEquals(
                8,
                api.get("/api/notifications?before=" + Long.MAX_VALUE, a.token())
                        .json()
                        .get("items")
                        .size());
        assertEquals(
                204,
                api.post("/api/notifications/" + all.get(3) + "/read", null, a.token())
                        .status());
        assertEquals(
                List.of(all.get(2), all.get(4)),
                ids(api.get("/api/notifications?unread=true&size=2&before=" + all.get(1), a.token())));
        assertEquals(
                List.of(all.get(4)),
                ids(api.get("/api/notifications?sort=createdAt,desc&size=1&before=" + all.get(3), a.token())),
                "createdAt is the id order");
    }

    @Test
    void aBadBeforeIsA400NamingIt() {
        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        for (String bad : List.of("0", "-1", "x", "1.5", "99999999999999999999", "1%00", "%EF%BC%91", "1e3")) {
            Api.Res r = api.get("/api/notifications?before=" + bad, a.token());
            ErrorsIT.assertProblem(r, 400);
            assertEquals("before", r.json().get("errors").get(0).get("field").asText(), bad + ": " + r);
            ErrorsIT.assertProblem(api.get("/api/admin/audit?before=" + bad, admin), 400);
        }
        Api.Res ascending = api.get("/api/notifications?before=5&sort=id,asc", a.token());
        ErrorsIT.assertProblem(ascending, 400);
        assertEquals("sort", ascending.json().get("errors").get(0).get("field").asText());
        ErrorsIT.assertProblem(api.get("/api/admin/audit?before=5&sort=occurredAt,desc", admin), 400);
        Api.Res paged = api.get("/api/admin/audit?before=5&page=2", admin);
        ErrorsIT.assertProblem(paged, 400);
        assertEquals("page", paged.json().get("errors").get(0).get("field").asText());
        assertEquals(200, api.get("/api/admin/audit?before=5&page=1", admin).status());
        assertEquals(200, api.get("/api/admin/audit?before=", admin).status(), "blank is absent, like page");
        // Lists that are not append-only do not take it.
        Api.Res users = api.get("/api/users?before=5", admin);
        ErrorsIT.assertProblem(users, 400);
        assertEquals("before", users.json().get("errors").get(0).get("field").asText());
        ErrorsIT.assertProblem(api.get("/api/auth/sessions?before=5", a.token()), 400);
    }

    @Test
    void theAuditLogPagesBeforeAnIdWithAndWithoutFilters() throws Exception {
        String admin = api.adminToken();
        Api.Account target = api.account(admin);
        for (int i = 0; i < 5; i++) {
            assertEquals(
                    200,
                    api.patch("/api/users/" + target.id(), obj("displayName", "Name " + i), admin)
                            .status());
        }
        Api.Res filtered = api.get("/api/admin/audit?targetId=" + target.id() + "&action=user.updated&size=2", admin);
        assertEquals(200, filtered.status(), filtered.toString());
        List<Long> walked = new ArrayList<>(ids(filtered));
        assertEquals(5, filtered.json().get("total").asInt());
        Api.Res r = filtered;
        String link;
        while ((link = next(r)) != null) {
            assertTrue(link.contains("targetId=" + target.id()) && link.contains("action=user.updated"), link);
            r = api.get(link, admin);
            walked.addAll(ids(r));
            assertEquals(5, r.json().get("total").asInt());
        }
        assertEquals(5, walked.size());
        for (int i = 1; i < walked.size(); i++) {
            assertTrue(walked.get(i - 1) > walked.get(i), walked.toString());
        }

        long newest = walked.get(0);
        Api.Res unfiltered = api.get("/api/admin/audit?size=3&before=" + newest, admin);
        for (JsonNode e : unfiltered.json().get("items")) {
            assertTrue(e.get("id").asLong() < newest);
        }
        assertEquals(3, unfiltered.json().get("items").size());
        assertEquals(
                List.of(walked.get(1)),
                ids(api.get("/api/admin/audit?targetId=" + target.id() + "&size=1&before=" + newest, admin)));
    }

    /**
     * The total of the unfiltered log, and of the log filtered by action or outcome only, is the
     * seal's tally: equal to the table's count per action and outcome in one snapshot after
     * concurrent audited writes, some of which fail (a taken email), and between two counts of the
     * table taken around each request.
     */
    @Test
    void theAuditTotalIsTheSealedCountUnderConcurrentWrites() throws Exception {
        String admin = api.adminToken();
        Api.Account target = api.account(admin);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                calls.add(pool.submit(() -> n % 4 == 0
                        ? api.post(
                                        "/api/users",
                                        obj("email", target.email(), "password", "another long passphrase"),
                                        admin)
                                .status()
                        : api.patch("/api/users/" + target.id(), obj("displayName", "Concurrent " + n), admin)
                                .status()));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertEquals(i % 4 == 0 ? 409 : 200, calls.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
        // In one snapshot, the tally is the table's count per action and outcome, row for row.
        try (Connection c = server.db();
                ResultSet rs = c.createStatement()
                        .executeQuery(
                                "select count(*) from (select action, outcome, count(*) as sealed from audit_events where id > 0"
                                        + " group by action, outcome) counted full join audit_event_tally t using (action, outcome)"
                                        + " where counted.sealed is distinct from t.sealed")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "(action, outcome) pairs whose kept count is not the table's");
        }
        // Each total the tally answers lies between two counts of the table taken around the request.
        String[][] filters = {
            {"", "true"},
            {"&action=user.updated", "action = 'user.updated'"},
            {"&outcome=failure", "outcome = 'failure'"},
            {"&action=user.created&outcome=success", "action = 'user.created' and outcome = 'success'"},
            {"&action=user.updated&outcome=denied", "action = 'user.updated' and outcome = 'denied'"},
            {"&action=no.such.action", "action = 'no.such.action'"},
        };
        for (String[] f : filters) {
            String sql = "select count(*) from audit_events where id > ? and " + f[1];
            long before = server.number(sql, 0);
            Api.Res page = api.get("/api/admin/audit?size=1" + f[0], admin);
            long after = server.number(sql, 0);
            assertEquals(200, page.status(), page.toString());
            long total = page.json().get("total").asLong();
            assertTrue(before <= total && total <= after, f[0] + ": " + before + " <= " + total + " <= " + after);
            assertEquals(String.valueOf(total), page.header("X-Total-Count"), f[0]);
            assertEquals(total == 0 ? 0 : 1, page.json().get("items").size(), f[0]);
        }
        assertTrue(
                server.number("select count(*) from audit_events where id > ? and action = 'user.updated'", 0) >= 30);
        // The application's role cannot change the tally (only the seal can).
        try (Connection app = server.appDb()) {
            for (String sql : List.of(
                    "update audit_event_tally set sealed = 1",
                    "insert into audit_event_tally values ('it.forged', 'success', 1)",
                    "delete from audit_event_tally")) {
                java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(
                        java.sql.SQLException.class, () -> app.createStatement().executeUpdate(sql));
                assertEquals("42501", refused.getSQLState(), sql);
            }
        }
    }

    /**
     * A database that already holds sealed events when the tally arrives: the migration counts them
     * under the chain's lock, and seals after it add to that count.
     */
    @Test
    void theTallyStartsFromTheEventsSealedBeforeIt() throws Exception {
        TestServer.Database db = TestServer.newDatabase("vigile_tally");
        try {
            org.flywaydb.core.Flyway latest = TestServer.migratedTo(db, "11");
            // As the owner: the grants to the application's role come with the last migration run.
            try (Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.owner(), db.ownerPassword())) {
                seal(c, 7, "it.before", "success");
                seal(c, 3, "it.before", "failure");
                seal(c, 2, "it.other", "denied");
            }
            latest.migrate();
            try (Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
                seal(c, 2, "it.before", "failure");
                seal(c, 1, "it.after", "success");
                assertEquals(
                        java.util.Map.of(
                                "it.before/success",
                                7L,
                                "it.before/failure",
                                5L,
                                "it.other/denied",
                                2L,
                                "it.after/success",
                                1L),
                        tally(c));
                ResultSet rs = c.createStatement().executeQuery("select sealed from audit_event_count");
                rs.next();
                assertEquals(15, rs.getLong(1), "the previous release's view of the total");
            }
        } finally {
            db.cleanup().close();
        }
    }

    /** Appends and seals {@code n} events, one transaction each, as the application does. */
    private static void seal(Connection c, int n, String action, String outcome) throws Exception {
        c.setAutoCommit(false);
        for (int i = 0; i < n; i++) {
            c.createStatement().execute("select set_config('vigile.audit_key', repeat('ab', 32), true)");
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "insert into audit_events (action, target_type, outcome) values (?, 'test', ?)")) {
                ps.setString(1, action);
                ps.setString(2, outcome);
                ps.executeUpdate();
            }
            c.commit();
        }
        c.setAutoCommit(true);
    }

    private static java.util.Map<String, Long> tally(Connection c) throws Exception {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        ResultSet rs =
                c.createStatement().executeQuery("select action || '/' || outcome, sealed from audit_event_tally");
        while (rs.next()) {
            counts.put(rs.getString(1), rs.getLong(2));
        }
        return counts;
    }
}
