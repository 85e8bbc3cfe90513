package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Notifications to a role or to everyone are stored once and read per user: the inbox, the unread
 * count, marking read (one, all, concurrently) and {@code resume} see both kinds in one order.
 */
@SharedServer
class SharedNotificationsIT {
    static final Duration SHORT = Duration.ofSeconds(10);
    final Api api = new Api();
    final TestServer server = TestServer.get();

    long send(String admin, String type, String value, String title) {
        Api.Res r = api.post(
                "/api/admin/notifications",
                obj(
                        "audience",
                        value == null ? obj("type", type) : obj("type", type, "value", value),
                        "title",
                        title,
                        "body",
                        "body of " + title),
                admin);
        assertEquals(202, r.status(), r.toString());
        return r.json().get("id").asLong();
    }

    /** The caller's admin notifications (not the account notices), newest first, as titles. */
    List<String> titles(String token, String query) {
        List<String> titles = new ArrayList<>();
        Api.Res r = api.get("/api/notifications?size=100" + query, token);
        assertEquals(200, r.status(), r.toString());
        r.json().get("items").forEach(n -> {
            if (n.get("kind").asText().equals("admin.broadcast")) {
                titles.add(n.get("title").asText());
            }
        });
        return titles;
    }

    JsonNode item(String token, String title) {
        for (JsonNode n : api.get("/api/notifications?size=100", token).json().get("items")) {
            if (n.get("title").asText().equals(title)) {
                return n;
            }
        }
        throw new AssertionError("no " + title);
    }

    /** A new role with no permission, and an account holding it. */
    Api.Account holderOfNewRole(String admin, String role) {
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", role, "permissions", List.of()), admin)
                        .status());
        return api.account(admin, role);
    }

    long unread(String token) {
        return api.get("/api/notifications/unread-count", token)
                .json()
                .get("count")
                .asLong();
    }

    @Test
    void aRoleOrEveryoneNotificationIsOneRowReadPerUserInOneOrderWithOwnOnes() throws Exception {
        String admin = api.adminToken();
        String role = Api.uniqueRole("SHARE");
        Api.Account a = holderOfNewRole(admin, role);
        Api.Account b = api.account(admin);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long inboxRows = server.number("select count(*) from notifications where id > ?", 0);
        long sharedRows = server.number("select count(*) from notification_shared where id > ?", 0);

        long own1 = send(admin, "user", a.id(), "own 1 " + tag);
        long everyone = send(admin, "all", null, "everyone " + tag);
        long own2 = send(admin, "user", a.id(), "own 2 " + tag);
        long forRole = send(admin, "role", role, "role " + tag);

        assertEquals(
                inboxRows + 2,
                server.number("select count(*) from notifications where id > ?", 0),
                "only the two notifications to one user wrote inbox rows");
        assertEquals(
                sharedRows + 2,
                server.number("select count(*) from notification_shared where id > ?", 0),
                "the broadcast and the role notification are one row each");
        assertEquals(
                0,
                server.number(
                        "select count(*) from notification_shared_reads r join notification_shared s on s.id = r.shared_id"
                                + " where s.message_id = ?",
                        everyone));

        List<String> expected = List.of("role " + tag, "own 2 " + tag, "everyone " + tag, "own 1 " + tag);
        assertEquals(
                expected,
                titles(a.token(), "").stream().filter(t -> t.endsWith(tag)).toList(),
                "both kinds, newest first, in the order they were sent");
        assertEquals(
                List.of("everyone " + tag),
                titles(b.token(), "").stream().filter(t -> t.endsWith(tag)).toList());
        long aUnread = unread(a.token());
        long bUnread = unread(b.token());
        assertTrue(aUnread >= 4 && bUnread >= 1, aUnread + " " + bUnread);

        // An account made after a broadcast does not find it.
        Api.Account late = api.account(admin, role);
        assertFalse(titles(late.token(), "").stream().anyMatch(t -> t.endsWith(tag)), "sent before it existed");

        // Reading a shared one is per user; a notification that does not reach the caller is a 404.
        JsonNode shared = item(a.token(), "everyone " + tag);
        assertEquals(
                204,
                api.post("/api/notifications/" + shared.get("id").asLong() + "/read", null, a.token())
                        .status());
        assertEquals(
                204,
                api.post("/api/notifications/" + shared.get("id").asLong() + "/read", null, a.token())
                        .status());
        assertEquals(aUnread - 1, unread(a.token()));
        assertEquals(bUnread, unread(b.token()), "b's copy is still unread");
        assertTrue(item(a.token(), "everyone " + tag).hasNonNull("readAt"));
        assertFalse(item(b.token(), "everyone " + tag).hasNonNull("readAt"));
        long roleId = item(a.token(), "role " + tag).get("id").asLong();
        assertEquals(
                404,
                api.post("/api/notifications/" + roleId + "/read", null, b.token())
                        .status(),
                "not b's role");
        assertEquals(
                404,
                api.post(
                                "/api/notifications/"
                                        + item(a.token(), "own 1 " + tag)
                                                .get("id")
                                                .asLong() + "/read",
                                null,
                                b.token())
                        .status());
        assertEquals(
                List.of("role " + tag, "own 2 " + tag, "own 1 " + tag),
                titles(a.token(), "&unread=true").stream()
                        .filter(t -> t.endsWith(tag))
                        .toList());

        // Read all: both kinds, this user only.
        assertEquals(
                204, api.post("/api/notifications/read-all", null, a.token()).status());
        assertEquals(0, unread(a.token()));
        assertEquals(bUnread, unread(b.token()));
        assertEquals(0, titles(a.token(), "&unread=true").size());
        assertEquals(
                204, api.post("/api/notifications/read-all", null, a.token()).status(), "again is fine");

        // A page far past the end is empty, with the total, and reads no rows for it.
        Api.Res deep = api.get("/api/notifications?size=100&page=" + (Integer.MAX_VALUE / 100), a.token());
        assertEquals(200, deep.status(), deep.toString());
        assertEquals(0, deep.json().get("items").size());
        assertEquals(
                api.get("/api/notifications?size=1", a.token())
                        .json()
                        .get("total")
                        .asLong(),
                deep.json().get("total").asLong());

        // Resume replays both kinds after an id, in order.
        try (WsClient ws = WsClient.connect(server.url(""), a.token()).ok()) {
            ws.next();
            ws.send("{\"type\":\"resume\",\"after\":"
                    + (item(a.token(), "own 1 " + tag).get("id").asLong() - 1) + "}");
            List<String> replayed = new ArrayList<>();
            long last = 0;
            while (replayed.size() < 4) {
                JsonNode n = ws.nextOfType("notification", SHORT);
                assertTrue(n.get("id").asLong() > last);
                last = n.get("id").asLong();
                if (n.get("title").asText().endsWith(tag)) {
                    replayed.add(n.get("title").asText());
                }
            }
            assertEquals(List.of("own 1 " + tag, "everyone " + tag, "own 2 " + tag, "role " + tag), replayed);
        }
        assertTrue(own1 < own2 && forRole > own2, "message ids follow sending too");

        // A role notification follows the role: once a loses it, a no longer finds it.
        assertEquals(
                200,
                api.put("/api/admin/users/" + a.id() + "/roles", obj("roles", List.of("USER")), admin)
                        .status());
        String fresh =
                api.login(a.email(), a.password()).json().get("access_token").asText();
        assertEquals(
                List.of("own 2 " + tag, "everyone " + tag, "own 1 " + tag),
                titles(fresh, "").stream().filter(t -> t.endsWith(tag)).toList());
        assertEquals(
                404,
                api.post("/api/notifications/" + roleId + "/read", null, fresh).status());
    }

    /** Two reads of one shared notification, or a read racing a read-all, never fail or double. */
    @Test
    void concurrentReadsOfASharedNotificationAllSucceedOnce() throws Exception {
        String admin = api.adminToken();
        String role = Api.uniqueRole("RACE");
        Api.Account a = holderOfNewRole(admin, role);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 10; round++) {
                long message = send(admin, "role", role, "race " + round);
                long id = server.number("select id from notification_shared where message_id = ?", message);
                List<Callable<Integer>> calls = List.of(
                        () -> api.post("/api/notifications/" + id + "/read", null, a.token())
                                .status(),
                        () -> api.post("/api/notifications/" + id + "/read", null, a.token())
                                .status(),
                        () -> api.post("/api/notifications/read-all", null, a.token())
                                .status(),
                        () -> api.post("/api/notifications/" + id + "/read", null, a.token())
                                .status());
                for (Future<Integer> f : pool.invokeAll(calls)) {
                    assertEquals(204, f.get(), "round " + round);
                }
                // The reads wrote one row, the read-all a mark (or none, when one already covers
                // it); never two rows for one reader.
                assertEquals(
                        1, server.number("select count(*) from notification_shared_reads where shared_id = ?", id));
                assertEquals(0, unread(a.token()));
                assertTrue(item(a.token(), "race " + round).hasNonNull("readAt"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    List<String> titlesOf(String token, String query, String tag) {
        return titles(token, query).stream().filter(t -> t.endsWith(tag)).toList();
    }

    String readAt(String token, String title) {
        JsonNode n = item(token, title);
        return n.hasNonNull("readAt") ? n.get("readAt").asText() : null;
    }

    /**
     * Read-all writes one mark, not a read per broadcast: it covers what was sent so far to everyone
     * or to the roles held then, keeps its time for them when read-all comes again, and a role gained
     * later brings its earlier notifications in unread.
     */
    @Test
    void readAllIsOneMarkThatCoversWhatReachedTheReaderThen() throws Exception {
        String admin = api.adminToken();
        String role = Api.uniqueRole("MARK");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", role, "permissions", List.of()), admin)
                        .status());
        Api.Account a = api.account(admin);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long first = send(admin, "all", null, "first " + tag);
        send(admin, "role", role, "for the role " + tag);
        long before = unread(a.token());
        assertEquals(List.of("first " + tag), titlesOf(a.token(), "&unread=true", tag), "not the role's");

        assertEquals(
                204, api.post("/api/notifications/read-all", null, a.token()).status());
        assertEquals(0, unread(a.token()));
        assertEquals(
                1,
                server.number(
                        "select count(*) from notification_read_marks where user_id = ?", UUID.fromString(a.id())));
        assertEquals(
                0,
                server.number(
                        "select count(*) from notification_shared_reads r join notification_shared s on s.id = r.shared_id"
                                + " where s.message_id = ?",
                        first),
                "no read row per broadcast");
        String firstRead = readAt(a.token(), "first " + tag);
        assertTrue(firstRead != null && before >= 1, before + " " + firstRead);

        // Sent after the mark: unread, alone.
        send(admin, "all", null, "second " + tag);
        assertEquals(1, unread(a.token()));
        assertEquals(
                List.of("second " + tag),
                titles(a.token(), "&unread=true").stream()
                        .filter(t -> t.endsWith(tag))
                        .toList());
        assertEquals(
                204, api.post("/api/notifications/read-all", null, a.token()).status());
        assertEquals(
                204, api.post("/api/notifications/read-all", null, a.token()).status(), "nothing new: no mark");
        assertEquals(
                2,
                server.number(
                        "select count(*) from notification_read_marks where user_id = ?", UUID.fromString(a.id())));
        assertEquals(firstRead, readAt(a.token(), "first " + tag), "read-all again keeps when it was read");

        // The role's notification was sent after a existed, but a did not hold the role when it read
        // all: gaining the role brings it in, unread; the rest stays read.
        assertEquals(
                200,
                api.put("/api/admin/users/" + a.id() + "/roles", obj("roles", List.of("USER", role)), admin)
                        .status());
        String promoted =
                api.login(a.email(), a.password()).json().get("access_token").asText();
        assertEquals(
                List.of("for the role " + tag),
                titles(promoted, "&unread=true").stream()
                        .filter(t -> t.endsWith(tag))
                        .toList());
        String ownUnread = "select count(*) from notifications where user_id = ? and read_at is null";
        UUID user = UUID.fromString(a.id());
        assertEquals(server.number(ownUnread, user) + 1, unread(promoted), "the role's, and the role change's notice");
        assertEquals(firstRead, readAt(promoted, "first " + tag));

        // Deleting the role takes its notification away at once (the copy follows the cascade).
        assertEquals(204, api.delete("/api/admin/roles/" + role, admin).status());
        String after =
                api.login(a.email(), a.password()).json().get("access_token").asText();
        assertEquals(server.number(ownUnread, user), unread(after));
        assertFalse(titles(after, "").contains("for the role " + tag));
    }

    /**
     * A broadcast takes its id before it commits. Were a later one to land first, a read-all could
     * mark through it and the earlier one would land read, unseen. Sendings of shared notifications
     * therefore hold a lock from their id to their commit: the later one waits, and a read-all in
     * between marks below the one in flight, which lands unread.
     */
    @Test
    void aBroadcastInFlightLandsUnreadAfterAReadAll() throws Exception {
        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (var inFlight = server.db()) {
            inFlight.setAutoCommit(false);
            long message;
            // As a sending does: the lock, then its rows; the stamp's update not yet (triggers off
            // for these two statements), so that nothing but the lock stands in the other's way.
            try (var st = inFlight.createStatement()) {
                st.execute("select pg_advisory_xact_lock("
                        + dev.vigile.notifications.control.NotificationService.SHARED_IDS_LOCK + ")");
                st.execute("set local session_replication_role = replica");
            }
            try (var st = inFlight.prepareStatement(
                    "insert into notification_messages (kind, title, body, audience_type, recipients, created_at)"
                            + " values ('admin.broadcast', ?, 'b', 'all', 0, now()) returning id")) {
                st.setString(1, "in flight " + tag);
                var rs = st.executeQuery();
                rs.next();
                message = rs.getLong(1);
            }
            try (var st =
                    inFlight.prepareStatement("insert into notification_shared (id, message_id, role_name, created_at)"
                            + " values (nextval(pg_get_serial_sequence('notifications', 'id')), ?, null, now())")) {
                st.setLong(1, message);
                st.executeUpdate();
            }
            // A later broadcast waits for the one in flight...
            Future<Integer> later = pool.submit(() -> api.post(
                            "/api/admin/notifications",
                            obj("audience", obj("type", "all"), "title", "later " + tag, "body", "b"),
                            admin)
                    .status());
            org.awaitility.Awaitility.await("the later broadcast waiting for the one in flight")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> server.number(
                                    "select count(*) from pg_locks where locktype = 'advisory' and not granted"
                                            + " and mode = 'ExclusiveLock' and objsubid = 1"
                                            + " and ((classid::bigint << 32) | objid::bigint) = ?",
                                    dev.vigile.notifications.control.NotificationService.SHARED_IDS_LOCK)
                            == 1);
            assertFalse(later.isDone());
            // ... and a read-all meanwhile does not: it marks what has landed.
            assertEquals(
                    204,
                    api.post("/api/notifications/read-all", null, a.token()).status());
            try (var st = inFlight.createStatement()) {
                st.execute("set local session_replication_role = origin");
                st.execute("update notification_shared_version set stamp = gen_random_uuid()");
            }
            inFlight.commit();
            assertEquals(202, later.get(60, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(null, readAt(a.token(), "in flight " + tag), "landed after the read-all: unread");
        assertEquals(null, readAt(a.token(), "later " + tag));
        assertEquals(List.of("later " + tag, "in flight " + tag), titlesOf(a.token(), "&unread=true", tag));
        assertEquals(2, unread(a.token()));
    }
}
