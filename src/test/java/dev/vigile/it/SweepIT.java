package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 37, every table bounded: what lapsed goes on the next sweep (every 2 s on the suite's
 * server), what lives stays. Rows are aged in the database, as time would age them.
 */
@SharedServer
class SweepIT {
    final TestServer server = TestServer.get();
    final Api api = new Api();

    void age(String sql, Object id) throws Exception {
        try (var c = server.db();
                var ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            assertEquals(1, ps.executeUpdate(), sql);
        }
    }

    long count(String sql, Object id) throws Exception {
        return server.number(sql, id);
    }

    void awaitGone(String sql, Object id) {
        Awaitility.await(sql + " for " + id)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> count(sql, id) == 0);
    }

    @Test
    void oldNotificationsGoReadOnesSoonerAndTheUnreadCountFollows() throws Exception {
        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        for (String title : List.of("read long ago", "unread, recent", "unread, a year old", "read just now")) {
            assertEquals(
                    202,
                    api.post(
                                    "/api/admin/notifications",
                                    obj("audience", obj("type", "user", "value", a.id()), "title", title, "body", "b"),
                                    admin)
                            .status());
        }
        JsonNode items = api.get("/api/notifications?size=10", a.token()).json().get("items");
        java.util.Map<String, Long> ids = new java.util.HashMap<>();
        items.forEach(n -> ids.put(n.get("title").asText(), n.get("id").asLong()));
        for (String read : List.of("read long ago", "read just now")) {
            assertEquals(
                    204,
                    api.post("/api/notifications/" + ids.get(read) + "/read", null, a.token())
                            .status());
        }
        age("update notifications set read_at = now() - interval '91 days' where id = ?", ids.get("read long ago"));
        age(
                "update notification_messages set created_at = now() - interval '92 days'"
                        + " where id = (select message_id from notifications where id = ?)",
                ids.get("read long ago"));
        age(
                "update notification_messages set created_at = now() - interval '366 days'"
                        + " where id = (select message_id from notifications where id = ?)",
                ids.get("unread, a year old"));
        // A broadcast to everyone, a year old: it goes with its reads.
        Api.Res broadcast = api.post(
                "/api/admin/notifications",
                obj("audience", obj("type", "all"), "title", "old news", "body", "b"),
                admin);
        assertEquals(202, broadcast.status(), broadcast.toString());
        long shared = api.get("/api/notifications?size=10", a.token())
                .json()
                .get("items")
                .get(0)
                .get("id")
                .asLong();
        assertEquals(
                204,
                api.post("/api/notifications/" + shared + "/read", null, a.token())
                        .status());
        age(
                "update notification_messages set created_at = now() - interval '366 days'"
                        + " where id = (select message_id from notification_shared where id = ?)",
                shared);

        awaitGone("select count(*) from notifications where id = ?", ids.get("read long ago"));
        awaitGone("select count(*) from notifications where id = ?", ids.get("unread, a year old"));
        awaitGone("select count(*) from notification_shared where id = ?", shared);
        awaitGone("select count(*) from notification_shared_reads where shared_id = ?", shared);
        List<String> left = new java.util.ArrayList<>();
        api.get("/api/notifications?size=10", a.token())
                .json()
                .get("items")
                .forEach(n -> left.add(n.get("title").asText()));
        assertEquals(
                List.of("read just now", "unread, recent"),
                left.stream().sorted().toList());
        assertEquals(
                1,
                api.get("/api/notifications/unread-count", a.token())
                        .json()
                        .get("count")
                        .asInt());
        // The message of the read-long-ago notification had no other row: it went too.
        awaitGone(
                "select count(*) from notification_messages where title = 'read long ago' and audience_value = ?",
                a.id());
    }

    /** Sweeping personal notifications touches no shared row: the members' copies stay. */
    @Test
    void aSweptPersonalNotificationLeavesTheSharedTablesStampAlone() throws Exception {
        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        assertEquals(
                202,
                api.post(
                                "/api/admin/notifications",
                                obj("audience", obj("type", "user", "value", a.id()), "title", "to sweep", "body", "b"),
                                admin)
                        .status());
        long id = server.number(
                "select n.id from notifications n join notification_messages m on m.id = n.message_id"
                        + " where n.user_id = ? and m.title = 'to sweep'",
                UUID.fromString(a.id()));
        String stamp = stamp();
        age(
                "update notification_messages set created_at = now() - interval '366 days'"
                        + " where id = (select message_id from notifications where id = ?)",
                id);
        awaitGone("select count(*) from notifications where id = ?", id);
        assertEquals(stamp, stamp(), "no shared row changed");
    }

    String stamp() throws Exception {
        try (var c = server.db();
                var st = c.createStatement();
                var rs = st.executeQuery("select stamp::text from notification_shared_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aReadAllMarkGoesOnceEverythingItCoversIsGone() throws Exception {
        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        UUID user = UUID.fromString(a.id());
        assertEquals(
                202,
                api.post(
                                "/api/admin/notifications",
                                obj("audience", obj("type", "all"), "title", "current news", "body", "b"),
                                admin)
                        .status());
        assertEquals(
                204, api.post("/api/notifications/read-all", null, a.token()).status());
        assertEquals(1, count("select count(*) from notification_read_marks where user_id = ?", user));
        // A mark from long ago, below every shared notification kept: it covers nothing.
        age(
                "insert into notification_read_marks (user_id, shared_through, roles, marked_at)"
                        + " values (?, 0, '{}', now() - interval '2 years')",
                user);
        awaitGone("select count(*) from notification_read_marks where user_id = ? and shared_through = 0", user);
        assertEquals(
                1,
                count("select count(*) from notification_read_marks where user_id = ?", user),
                "the mark covering the current news stays");
        assertEquals(
                0,
                api.get("/api/notifications/unread-count", a.token())
                        .json()
                        .get("count")
                        .asInt());
    }

    @Test
    void lapsedRowsGoAndLiveOnesStay() throws Exception {
        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        JsonNode expiredLogin = api.login(a.email(), a.password()).json();
        JsonNode revokedLogin = api.login(a.email(), a.password()).json();
        JsonNode recentlyRevoked = api.login(a.email(), a.password()).json();
        UUID expired = UUID.fromString(
                Api.claims(expiredLogin.get("access_token").asText()).get("sid").asText());
        UUID revoked = UUID.fromString(
                Api.claims(revokedLogin.get("access_token").asText()).get("sid").asText());
        UUID recent =
                UUID.fromString(Api.claims(recentlyRevoked.get("access_token").asText())
                        .get("sid")
                        .asText());
        UUID live = UUID.fromString(Api.claims(a.token()).get("sid").asText());
        // A token from before V24 still has a row of its own; it goes with its session. Written
        // before the session is aged, so that no sweep can take the session first.
        age(
                "insert into refresh_tokens (token_hash, session_id, issued_at)"
                        + " select encode(sha256(convert_to(id::text, 'UTF8')), 'hex'), id, now() from sessions where id = ?",
                revoked);
        age("update sessions set expires_at = now() - interval '8 days' where id = ?", expired);
        age("update sessions set revoked_at = now() - interval '8 days' where id = ?", revoked);
        age("update sessions set revoked_at = now() - interval '1 hour' where id = ?", recent);
        String device = expiredLogin.get("device_token").asText();
        String deviceHash = dev.vigile.security.OpaqueTokens.hash(device);
        age("update device_tokens set last_used_at = now() - interval '400 days' where token_hash = ?", deviceHash);
        String keptDevice = dev.vigile.security.OpaqueTokens.hash(
                a.tokens().get("device_token").asText());

        assertEquals(
                202,
                api.post("/api/auth/password-reset", obj("email", a.email())).status());
        TestMail.awaitSubject(a.email(), "Reset your password");
        UUID user = UUID.fromString(a.id());
        age(
                "update email_tokens set expires_at = now() - interval '2 days' where user_id = ? and purpose = 'reset'",
                user);
        Awaitility.await("the reset mail marked sent")
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        count("select count(*) from mail_outbox where recipient = ? and sent_at is not null", a.email())
                                > 0);
        try (var c = server.db();
                var ps = c.prepareStatement(
                        "update mail_outbox set sent_at = now() - interval '8 days' where recipient = ?")) {
            ps.setString(1, a.email());
            ps.executeUpdate();
        }

        JsonNode options = PasskeysIT.signInOptions(api);
        UUID challenge = UUID.fromString(options.get("challengeId").asText());
        JsonNode liveOptions = PasskeysIT.signInOptions(api);
        UUID liveChallenge = UUID.fromString(liveOptions.get("challengeId").asText());
        age("update passkey_challenges set expires_at = now() - interval '1 second' where id = ?", challenge);

        awaitGone("select count(*) from sessions where id = ?", expired);
        awaitGone("select count(*) from sessions where id = ?", revoked);
        awaitGone("select count(*) from refresh_tokens where session_id = ?", revoked);
        awaitGone("select count(*) from device_tokens where token_hash = ?", deviceHash);
        awaitGone("select count(*) from email_tokens where user_id = ? and purpose = 'reset'", user);
        awaitGone("select count(*) from mail_outbox where recipient = ?", a.email());
        awaitGone("select count(*) from passkey_challenges where id = ?", challenge);

        assertEquals(1, count("select count(*) from sessions where id = ?", recent), "revoked within the retention");
        assertEquals(1, count("select count(*) from sessions where id = ?", live));
        assertEquals(1, count("select count(*) from device_tokens where token_hash = ?", keptDevice));
        assertEquals(1, count("select count(*) from passkey_challenges where id = ?", liveChallenge));
        assertEquals(200, api.refresh(a.refreshToken()).status(), "the live session still refreshes");
        assertEquals(
                401, api.refresh(revokedLogin.get("refresh_token").asText()).status());
        assertEquals(
                401, api.refresh(expiredLogin.get("refresh_token").asText()).status());
    }
}
