package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Refresh-token rotation, reuse detection, races and expiry (RFC 9700 section 4.14). */
@SharedServer
class RefreshIT {
    final Api api = new Api();
    final TestServer server = TestServer.get();

    @Test
    void refreshRotatesAndTheOldTokenDies() {
        JsonNode first = api.newUser();
        Api.Res r = api.refresh(first.get("refresh_token").asText());
        assertEquals(200, r.status(), r.toString());
        JsonNode second = r.json();
        assertNotEquals(first.get("refresh_token"), second.get("refresh_token"));
        assertNotEquals(first.get("access_token"), second.get("access_token"));
        assertEquals(first.get("user").get("id"), second.get("user").get("id"));
        // The session's idle lifetime starts again: the new token lives as long as the first did.
        long lived = first.get("refresh_expires_in").asLong();
        assertTrue(lived > 0);
        assertTrue(Math.abs(second.get("refresh_expires_in").asLong() - lived) <= 5, second.toString());
        assertEquals("no-store", r.header("Cache-Control"));
        assertEquals(
                200,
                api.get("/api/users/me", second.get("access_token").asText()).status());
        assertEquals(200, api.refresh(second.get("refresh_token").asText()).status());
    }

    @Test
    void reusingARotatedTokenRevokesItsFamilyOnly() throws Exception {
        String email = Api.uniqueEmail();
        String password = "a passphrase for two families";
        JsonNode first = api.register(email, password).json();
        JsonNode otherFamily = api.login(email, password).json();

        JsonNode second = api.refresh(first.get("refresh_token").asText()).json();
        Api.Res reuse = api.refresh(first.get("refresh_token").asText());
        assertEquals(401, reuse.status());
        assertEquals(
                "https://vigile.dev/problems/invalid-refresh-token",
                reuse.json().get("type").asText());
        // The family is dead: the latest token and its access token too.
        assertEquals(401, api.refresh(second.get("refresh_token").asText()).status());
        assertEquals(
                401,
                api.get("/api/users/me", second.get("access_token").asText()).status());
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(
                        "select revoked_reason from sessions where user_id = ?::uuid and revoked_at is not null")) {
            ps.setString(1, first.get("user").get("id").asText());
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            assertEquals("reuse", rs.getString(1));
        }
        // The user's other sign-in survives.
        assertEquals(200, api.refresh(otherFamily.get("refresh_token").asText()).status());
    }

    @Test
    void concurrentRefreshesOfOneTokenHaveExactlyOneWinnerAndNo5xx() throws Exception {
        JsonNode tokens = api.newUser();
        String refresh = tokens.get("refresh_token").asText();
        int n = 12;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return api.refresh(refresh).status();
            }));
        }
        start.countDown();
        int ok = 0;
        int unauthorized = 0;
        for (Future<Integer> f : results) {
            int status = f.get();
            assertTrue(status < 500, "no server error, got " + status);
            ok += status == 200 ? 1 : 0;
            unauthorized += status == 401 ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, ok);
        assertEquals(n - 1, unauthorized);
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(
                        "select count(*) from refresh_tokens t join sessions s on s.id = t.session_id"
                                + " where s.user_id = ?::uuid")) {
            ps.setString(1, tokens.get("user").get("id").asText());
            ResultSet rs = ps.executeQuery();
            rs.next();
            assertEquals(2, rs.getInt(1), "one rotation: the original token and exactly one successor");
        }
    }

    /**
     * Every refresh touches its session (last used, address, agent: {@code Sessions.rotate}).
     * If a touched column were indexed, each touch would add an entry to every index of the table and
     * leave a dead row that later refreshes scan; a heap-only update does neither. PostgreSQL's own
     * per-transaction counter says which kind the touch was.
     */
    @Test
    void aRefreshTouchesItsSessionWithAHeapOnlyUpdate() throws Exception {
        JsonNode tokens = api.newUser();
        assertEquals(200, api.refresh(tokens.get("refresh_token").asText()).status());
        try (Connection c = server.db()) {
            c.setAutoCommit(false);
            try (PreparedStatement touch = c.prepareStatement(
                            "update sessions set last_used_at = now(), ip = '198.51.100.23', user_agent = 'another agent'"
                                    + " where user_id = ?::uuid and revoked_at is null");
                    PreparedStatement counters =
                            c.prepareStatement("select pg_stat_get_xact_tuples_updated('sessions'::regclass),"
                                    + " pg_stat_get_xact_tuples_hot_updated('sessions'::regclass)")) {
                touch.setString(1, tokens.get("user").get("id").asText());
                assertEquals(1, touch.executeUpdate());
                ResultSet rs = counters.executeQuery();
                rs.next();
                assertEquals(1, rs.getLong(1));
                assertEquals(1, rs.getLong(2), "the touch must be a heap-only update");
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void idleAndAbsoluteExpiryEndTheSession() throws Exception {
        JsonNode idle = api.newUser();
        JsonNode absolute = api.newUser();
        try (Connection c = server.db()) {
            exec(c, "update sessions set last_used_at = now() - interval '8 days' where user_id = ?::uuid", idle);
            exec(c, "update sessions set expires_at = now() - interval '1 second' where user_id = ?::uuid", absolute);
        }
        assertEquals(401, api.refresh(idle.get("refresh_token").asText()).status());
        assertEquals(401, api.refresh(absolute.get("refresh_token").asText()).status());
    }

    @Test
    void garbageAndMissingRefreshTokensAre4xx() {
        assertEquals(401, api.refresh("not a token").status());
        assertEquals(401, api.refresh("A".repeat(43)).status());
        Api.Res missing = api.post("/api/auth/refresh", Api.obj());
        assertEquals(400, missing.status());
        assertNotNull(missing.json().get("errors"));
    }

    @Test
    void aRefreshTokenIsNotAnAccessToken() {
        JsonNode tokens = api.newUser();
        Api.Res r = api.get("/api/users/me", tokens.get("refresh_token").asText());
        assertEquals(401, r.status());
        assertEquals("application/problem+json", r.header("Content-Type").split(";")[0]);
    }

    private static void exec(Connection c, String sql, JsonNode tokens) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tokens.get("user").get("id").asText());
            assertTrue(ps.executeUpdate() > 0);
        }
    }
}
